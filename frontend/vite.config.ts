/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false },
  // `npm run dev` beside `./mvnw quarkus:dev`: the API answers on 8080.
  server: { proxy: { '/api': 'http://localhost:8080' } },
  // Typing through user-event is slow on a busy machine (the Java build runs beside it): generous time limits.
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'], testTimeout: 30000 },
});
