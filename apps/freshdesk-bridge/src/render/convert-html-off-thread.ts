import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { convertHtmlToMarkdown } from './convert-html-to-markdown';

/**
 * From this length on, HTML is converted in a worker thread: turndown costs about
 * 1 µs of CPU per byte (linear, but 1–2 s for a 1 MB ticket on a busy machine),
 * which would keep `/healthz`, webhooks and other escalations waiting.
 */
export const OFF_THREAD_CHARS = 64 * 1024;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage(require(workerData.file).convertHtmlToMarkdown(workerData.html));
`;

/** `convertHtmlToMarkdown`, off the event loop for long HTML (when the compiled converter is at hand). */
export async function convertHtmlOffThread(html: string): Promise<string> {
  const file = html.length >= OFF_THREAD_CHARS ? compiledConverter() : undefined;
  if (!file) return convertHtmlToMarkdown(html);
  return new Promise<string>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { file, html } });
    worker.once('message', (markdown: string) => {
      resolve(markdown);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the HTML conversion thread exited with code ${code}`)));
  });
}

/** The compiled converter: beside this file in `dist/`, or the package's `dist/` when run from `src/` (tests). */
function compiledConverter(): string | undefined {
  return [
    path.join(__dirname, 'convert-html-to-markdown.js'),
    path.join(__dirname, '..', '..', 'dist', 'render', 'convert-html-to-markdown.js'),
  ].find((file) => existsSync(file));
}
