import { startMain } from '@devops/cli';
import { libTaggerMain } from './lib-tagger-main';

startMain(libTaggerMain());
