// Run by tap before all test files: an empty collection for this run's log lines.
import { rmSync } from 'node:fs';
import { LOG_COLLECTION_DIR } from '../support/log-collection.js';

rmSync(LOG_COLLECTION_DIR, { recursive: true, force: true });
