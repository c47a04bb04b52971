import { SqliteStateStore } from '../../src/state/sqlite.ts';
import { describeStateStore } from './contract.ts';

describeStateStore('SQLite', async () => new SqliteStateStore(':memory:'));
