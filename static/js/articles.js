// The lead's article list: "select all on this page" and the assignment bar's fields.
const all = document.getElementById("select-all");
const boxes = () => [...document.querySelectorAll('input[name="doc"]')];
if (all) {
  all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));
}
const action = document.getElementById("assign-action");
function showFields() {
  const value = action.value;
  document.getElementById("from-user-field").hidden = value === "assign";
  document.getElementById("to-user-field").hidden = value === "unassign";
}
if (action) {
  action.addEventListener("change", showFields);
  showFields();
}
