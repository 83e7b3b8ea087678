// The source editor: CodeMirror 6 with YAML highlighting, line numbers, the analysis's
// diagnostics as inline markers (and in the gutter), and a way to jump to a line. Undo and redo
// are the app's own (every change, the forms' too), so the editor keeps no history of its own.
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

// Text set from outside (the app's state) is not reported back as a change.
const FROM_APP = "vnetlab.set";

/**
 * Creates the editor in `parent` with `text`; `onChange({from, to, insert, before, after})`
 * hears every change the user makes, as the range `from..to` of the text before it replaced by
 * `insert` (positions in UTF-16 code units; `before` and `after` the text's lengths): a
 * keystroke in a large design sends a few characters, not the whole text. The view is kept on
 * the parent element as `cmView` (the browser tests read it).
 */
export function create(parent, text, onChange, label) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        drawSelection(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        yaml(),
        lintGutter(),
        keymap.of([...defaultKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ "aria-label": label, spellcheck: "false" }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !u.transactions.some((t) => t.isUserEvent(FROM_APP))) {
            // One range covering every changed range (several with several cursors).
            let from = Infinity, to = -1, fromB = Infinity, toB = -1;
            u.changes.iterChangedRanges((fa, ta, fb, tb) => {
              from = Math.min(from, fa);
              to = Math.max(to, ta);
              fromB = Math.min(fromB, fb);
              toB = Math.max(toB, tb);
            });
            if (to < 0) return;
            const insert = u.state.doc.sliceString(fromB, toB);
            onChange({ from, to, insert, before: u.startState.doc.length, after: u.state.doc.length });
          }
        }),
      ],
    }),
  });
  parent.cmView = view;
  return view;
}

/** The whole text (when a change could not be applied to the app's copy). */
export function text(view) {
  return view.state.doc.toString();
}

/** Replaces the text when the app's differs (undo, a form, another design). */
export function setText(view, text) {
  const old = view.state.doc.toString();
  if (old === text) return;
  // Only the changed middle is replaced, so the cursor stays where it was.
  let a = 0;
  while (a < old.length && a < text.length && old[a] === text[a]) a++;
  let b = 0;
  while (b < old.length - a && b < text.length - a && old[old.length - 1 - b] === text[text.length - 1 - b]) b++;
  view.dispatch({
    changes: { from: a, to: old.length - b, insert: text.slice(a, text.length - b) },
    userEvent: FROM_APP,
  });
}

/**
 * Shows the analysis's diagnostics: `list` is JSON text of
 * [{"line":L,"column":C,"severity":"error"|"warning","message":M}] (1-based line and column,
 * the column counted in characters).
 */
export function diagnostics(view, list) {
  const doc = view.state.doc;
  const items = JSON.parse(list).map((d) => {
    const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max(d.column - 1, 0), line.to);
    // The marker covers the rest of the word at the column, or the whole line.
    const rest = line.text.slice(from - line.from).match(/^[^\s,:\]}]+/);
    const to = rest ? from + rest[0].length : line.to;
    return { from, to: Math.max(to, from), severity: d.severity, message: d.message };
  });
  view.dispatch(setDiagnostics(view.state, items));
}

/** Puts the cursor at the start of `line` (1-based), selects the line, scrolls to it, focuses. */
export function goto(view, line) {
  const doc = view.state.doc;
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  view.dispatch({
    selection: { anchor: l.from, head: l.to },
    effects: EditorView.scrollIntoView(l.from, { y: "center" }),
  });
  view.focus();
}
