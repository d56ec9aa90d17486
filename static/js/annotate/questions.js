// Article-level questions (e.g. "How one-sided is this article?" 1-5) as radio groups.

import { el } from "./dom.js";

export function renderQuestions(container, questions, answers, { readOnly, onAnswer }) {
  container.textContent = "";
  for (const q of questions) {
    const name = `question-${q.id}`;
    const options = q.options || [];
    const group = el(
      "fieldset",
      {
        class: `question question-${q.kind}${q.required ? " required" : ""}`,
        dataset: { questionId: q.id },
      },
      el("legend", {}, q.text || q.name,
        q.required ? el("abbr", { class: "required-mark", title: "required" }, " *") : null),
      ...options.map((value) => {
        const input = el("input", {
          type: "radio", name, value, checked: answers[String(q.id)] === value, disabled: readOnly,
        });
        input.addEventListener("change", () => input.checked && onAnswer(q.id, value));
        return el("label", { class: "choice" }, input, ` ${value}`);
      }),
    );
    if (q.kind === "likert" && options.length > 1) {
      group.append(el("small", { class: "scale-hint" },
        ` (${options[0]} = balanced … ${options[options.length - 1]} = entirely one-sided)`));
    }
    container.append(group);
  }
  container.hidden = questions.length === 0;
}
