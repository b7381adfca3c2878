// sohoa: the only script of the site. It follows a batch being processed, row by row
// (without it, the page reloads itself every few seconds); on the review screen it marks
// on the scan the field being edited and gives the keyboard shortcuts. Nothing elsewhere.
"use strict";

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text || "";
  return td;
}

function row(doc) {
  const tr = document.createElement("tr");
  tr.className = doc.stage;
  const name = cell("");
  if (doc.document_id && doc.stage === "archived") {
    const link = document.createElement("a");
    link.href = "/documents/" + encodeURIComponent(doc.document_id);
    link.textContent = doc.name;
    name.appendChild(link);
  } else {
    name.textContent = doc.name;
  }
  tr.append(name, cell(doc.label), cell(doc.reason));
  return tr;
}

async function follow(section) {
  const response = await fetch(section.dataset.progress, { headers: { Accept: "application/json" } });
  if (!response.ok) return setTimeout(() => follow(section), 5000);
  const progress = await response.json();
  section.querySelector("[data-state]").textContent = progress.state_label;
  const error = section.querySelector("[data-error]");
  error.textContent = progress.error || "";
  error.hidden = !progress.error;
  if (progress.documents.length) {
    section.querySelector("[data-documents]").replaceChildren(...progress.documents.map(row));
  }
  if (progress.done) {
    window.location.reload(); // the finished page: the report's link, the re-run buttons
  } else {
    setTimeout(() => follow(section), 2000);
  }
}

function review(form) {
  const marks = document.querySelectorAll(".page-image .mark");
  form.addEventListener("focusin", (event) => {
    const field = event.target.closest("[data-field]");
    for (const mark of marks) {
      mark.classList.toggle("active", !!field && mark.dataset.field === field.dataset.field);
    }
  });
  const go = (selector) => {
    const link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.key === "Enter") {
      event.preventDefault();
      (event.target.closest?.("form") || form).requestSubmit();
    } else if (event.altKey && event.key === "ArrowRight") {
      go(".scan a[rel=next]");
    } else if (event.altKey && event.key === "ArrowLeft") {
      go(".scan a[rel=prev]");
    } else if (event.altKey && (event.key === "=" || event.key === "-")) {
      const current = document.querySelector(".zoom a[aria-current]");
      const step = event.key === "=" ? current?.nextElementSibling : current?.previousElementSibling;
      if (step) window.location.assign(step.href);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-progress][data-running]");
  if (section) follow(section);
  const form = document.querySelector("form.fields");
  if (form) review(form);
});
