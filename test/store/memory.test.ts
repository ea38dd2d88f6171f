import t from 'tap';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import { storeConformance } from './conformance.js';

storeConformance(t, async () => {
  const store = new MemoryEventStore();
  return { store, cleanup: () => store.close() };
});
