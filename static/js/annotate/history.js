// Undo / redo of the annotator's own actions. A command is {undo(), redo()}; both are
// closures over the page's own operations, so they go through the save queue like any edit.

export class History {
  constructor(limit = 200) {
    this.done = [];
    this.undone = [];
    this.limit = limit;
  }

  push(command) {
    this.done.push(command);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  undo() {
    const command = this.done.pop();
    if (!command) return false;
    command.undo();
    this.undone.push(command);
    return true;
  }

  redo() {
    const command = this.undone.pop();
    if (!command) return false;
    command.redo();
    this.done.push(command);
    return true;
  }
}
