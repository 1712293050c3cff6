import { defineConfig } from 'vite';

// The dashboard is static files: served by `radar serve` locally and from S3 behind CloudFront in AWS. Relative
// asset URLs keep it working under any path prefix.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
