// Measures the visit pack as a browser lays it out, then runs axe-core on it.
// Loaded (with axe.min.js) into a copy of the pack by tests/test_report_browser.py; the
// results go to the page that framed it (or, unframed, into a <pre id="wblqa-probe">).
window.addEventListener("load", async () => {
  const out = { width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth };
  // Visible elements reaching past the right edge (a visually hidden one is clipped: skip it).
  out.wide = [];
  const hidden = el => { const h = el.closest("thead"); return h && getComputedStyle(h).position === "absolute"; };
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") || hidden(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > window.innerWidth + 0.5) out.wide.push(el.tagName + ": " + (el.textContent || "").slice(0, 60));
  }
  // Chart text outside its drawing, and the smallest chart text as shown, in CSS pixels.
  out.outside = [];
  out.smallest = 1e9;
  for (const svg of document.querySelectorAll("svg")) {
    const vb = svg.viewBox.baseVal;
    const scale = svg.getScreenCTM().a;
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5)
        out.outside.push(t.textContent + " " + JSON.stringify([b.x, b.y, b.width, b.height]));
      out.smallest = Math.min(out.smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
    }
  }
  const result = await axe.run(document);
  out.violations = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
  }));
  out.passes = result.passes.length;
  const said = JSON.stringify(out);
  if (window.parent !== window) {
    window.parent.postMessage(said, "*");
    return;
  }
  const pre = document.createElement("pre");
  pre.id = "wblqa-probe";
  pre.textContent = said;
  document.body.appendChild(pre);
});
