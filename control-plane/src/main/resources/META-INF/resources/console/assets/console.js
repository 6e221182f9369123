// Switchboard console: the only script besides htmx and Chart.js (no inline script: the CSP forbids it).
(function () {
  'use strict';

  var palette = ['#2457c5', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285', '#e67700', '#5c940d', '#868e96'];

  function drawCharts(root) {
    if (typeof Chart === 'undefined') { return; }
    root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var series = canvas.dataset.series;
      var datasets;
      if (series === 'latency') {
        datasets = [
          { label: 'p50', data: data.latency.p50, borderColor: palette[0], backgroundColor: palette[0] },
          { label: 'p95', data: data.latency.p95, borderColor: palette[1], backgroundColor: palette[1] }
        ];
      } else {
        datasets = data[series].map(function (d, i) {
          var color = palette[i % palette.length];
          return { label: d.label, data: d.data, borderColor: color, backgroundColor: color, fill: false };
        });
      }
      var stacked = canvas.dataset.stacked === 'true';
      new Chart(canvas, {
        type: stacked ? 'bar' : 'line',
        data: { labels: data.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
          plugins: { legend: { position: 'bottom' } }
        }
      });
      canvas.dataset.drawn = 'true';
    });
  }

  // An error's "line N" button selects that line in the YAML editor.
  function goToLine(event) {
    var button = event.target.closest('[data-goto-line]');
    if (!button) { return; }
    var editor = document.getElementById(button.dataset.editor || 'config-yaml');
    if (!editor) { return; }
    var line = parseInt(button.dataset.gotoLine, 10);
    var lines = editor.value.split('\n');
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || '').length;
    editor.focus();
    editor.setSelectionRange(start, end);
    var lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
    editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  // Copies the text of the element a [data-copy] button names.
  function copy(event) {
    var button = event.target.closest('[data-copy]');
    if (!button) { return; }
    var source = document.getElementById(button.dataset.copy);
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () { button.textContent = 'Copied'; });
    }
  }

  // A log row's time opens (and closes) its detail: every attempt, the verdicts, the payloads.
  function toggleDetail(event) {
    var button = event.target.closest('[data-toggle-detail]');
    if (!button) { return; }
    var row = button.closest('tbody');
    var open = row.classList.toggle('open');
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  // A refused save: the first field with an error takes the focus (its message is tied to it by aria-describedby).
  // Only when the form itself was replaced, never on a preview update, so typing is not interrupted.
  function focusFirstError(event) {
    var target = event.detail && event.detail.target;
    if (target && target.id !== 'form-area') { return; }
    var field = document.querySelector('.resource-form [aria-invalid="true"]');
    if (field) { field.focus(); }
  }

  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('DOMContentLoaded', focusFirstError);
  document.addEventListener('htmx:afterSettle', focusFirstError);
  document.addEventListener('htmx:afterSettle', function (e) { drawCharts(e.target); });
  document.addEventListener('click', goToLine);
  document.addEventListener('click', copy);
  document.addEventListener('click', toggleDetail);
})();
