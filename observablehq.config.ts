// Site configuration for Observable Framework. The site must build and run offline: every
// library is imported by bare name from node_modules on each page, and the default theme's
// Google Fonts stylesheet is dropped (`globalStylesheets: []`), so a page requests nothing from
// another host.
export default {
  title: "DM-CLIP Lab",
  root: "src",
  globalStylesheets: [],
  theme: ["air", "near-midnight"],
  pages: [
    {
      name: "Notebooks",
      open: true,
      pages: [
        {name: "Your device", path: "/notebooks/device"},
        {name: "How DM-CLIP works", path: "/notebooks/method"},
        {name: "Train a student", path: "/notebooks/train"},
        {name: "Embeddings", path: "/notebooks/embeddings"},
        {name: "Results", path: "/notebooks/results"},
        {name: "RQ1: distillation", path: "/notebooks/rq1"},
        {name: "RQ2: latency", path: "/notebooks/rq2"}
      ]
    }
  ],
  footer: "DM-CLIP Lab — distilling ViT CLIP teachers into Mamba students, in the browser.",
  search: false,
  // An inline icon: without one, the browser asks the server for /favicon.ico and logs a 404.
  // Inputs' stylesheet, copied from node_modules by scripts/siteAssets.ts: Framework links its
  // own only for `npm:` imports, and the pages import Inputs by bare name. A root-relative href
  // is rewritten per page and the file is served from the site itself, like any attachment.
  head: `<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%234269d0'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/assets/inputs.css">`
};
