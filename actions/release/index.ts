import { runAction } from '../lib/run.js';
import { run } from './main.js';

await runAction(run, { githubOperation: 'release' });
