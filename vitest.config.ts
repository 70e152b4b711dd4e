import { defineConfig } from 'vitest/config';

const unit = (name: string) => ({
  test: { name, root: `./${name}`, include: ['src/**/*.test.ts'], testTimeout: 20_000 },
});

export default defineConfig({
  test: {
    projects: [
      unit('core'),
      unit('state'),
      unit('broker'),
      unit('ingest'),
      unit('alerts'),
      unit('web'),
      unit('flows'),
      unit('simulators'),
      {
        test: {
          name: 'tests',
          root: './tests',
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start real servers; one file at a time keeps ports and CPUs calm.
          fileParallelism: false,
        },
      },
    ],
  },
});
