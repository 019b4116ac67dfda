// A news post's tools, shown only where scripts run.

// "In trang này": the print button.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// "Tải mã QR (PNG)": no qr.png is published beside a post, so the browser draws one
// from the code shown on the page (the inline SVG's path of dark lines), ten pixels a
// module with its light border, as the qr.png of documents and procedures.
const PIXELS_PER_MODULE = 10;
for (const link of document.querySelectorAll("a[data-qr-png]")) {
  const svg = link.closest(".post-tools")?.querySelector("svg");
  const dark = svg?.querySelector("path.qrline");
  if (!dark || !svg.viewBox.baseVal.width) continue;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = svg.viewBox.baseVal.width * PIXELS_PER_MODULE;
  const drawing = canvas.getContext("2d");
  drawing.fillStyle = "#fff";
  drawing.fillRect(0, 0, canvas.width, canvas.height);
  drawing.scale(PIXELS_PER_MODULE, PIXELS_PER_MODULE);
  drawing.strokeStyle = "#000";
  drawing.lineWidth = 1;
  drawing.stroke(new Path2D(dark.getAttribute("d")));
  canvas.toBlob((png) => {
    if (!png) return;
    link.href = URL.createObjectURL(png);
    link.download = "qr.png";
    link.parentElement.hidden = false;
  }, "image/png");
}
