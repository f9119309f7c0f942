export { escapeMarkdown } from './escape-markdown';
export { escapeText } from './escape-text';
export { inlineCode } from './inline-code';
export { codeBlock } from './code-block';
export { neutralizeMentions, ZERO_WIDTH_SPACE } from './neutralize-mentions';
export { cutMarkdown } from './cut-markdown';
