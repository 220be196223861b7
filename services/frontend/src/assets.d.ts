/** esbuild bundles imported stylesheets into the hashed .css asset. */
declare module '*.css';
