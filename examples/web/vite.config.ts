import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  plugins: [react()],
  // The app imports the client kit from ../../client; these resolve from this app's packages, so
  // that the kit and the app share one Apollo Client, one graphql and one React.
  resolve: { dedupe: ['@apollo/client', 'graphql', 'rxjs', 'react', 'react-dom'] },
  server: { port: 5173, strictPort: false, fs: { allow: [repoRoot] } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
