//! The pure update: `update(model, message)` changes the model and returns the IO to do. No
//! terminal, clock or file system here; every analysis comes from vnetlab-core.

use super::analysis::{Analysis, Change, MATRIX_PORTS, expectation_change, flow_change};
use super::layout::{areas, inner_height, inside};
use super::matrix_nav;
use super::message::{Effect, MatrixJob, Message};
use super::model::{Doc, Job, ListNav, MainView, Model, Overlay, Pane, Ready, Status};
use super::rows::{CheckRow, check_row_text, check_rows, has_children, parent, visible_tree};
use vnetlab_core::diag::Severity;
use vnetlab_core::reach::matrix::MatrixBy;
use vnetlab_core::session::Session;
use vnetlab_core::whatif::Edit;

/// Applies one message; returns the effects for the runtime to perform.
pub fn update(m: &mut Model, msg: Message) -> Vec<Effect> {
    let mut effects = update_inner(m, msg);
    want_matrix(m, &mut effects);
    matrix_nav::prepare(m);
    keep_visible(m);
    effects
}

/// When the matrix by workloads is wanted and what is shown is not (just asked for, or an
/// edit or a reload recomputed the analyses by subnets), asks a worker thread for it; a job
/// under way for other designs is dropped (the runtime stops the worker the model no longer
/// waits for).
fn want_matrix(m: &mut Model, effects: &mut Vec<Effect>) {
    let Doc::Ready(r) = &m.doc else {
        m.job = None;
        return;
    };
    let have = r.base.matrix.by == MatrixBy::Workload
        && r.current
            .as_ref()
            .map_or(true, |c| c.matrix.by == MatrixBy::Workload);
    if m.ui.matrix_by != MatrixBy::Workload || have {
        m.job = None;
        return;
    }
    if m.job.as_ref().is_some_and(|j| j.version == m.version) {
        return;
    }
    let id = m.next_job;
    m.next_job += 1;
    let current = match &r.current {
        Ok(c) if !r.session.edits().is_empty() => Some(c.design.clone()),
        _ => None,
    };
    effects.push(Effect::Matrix(Box::new(MatrixJob {
        id,
        by: MatrixBy::Workload,
        base: r.base.design.clone(),
        current,
    })));
    m.job = Some(Job {
        id,
        version: m.version,
        what: "the matrix by workload".into(),
        done: 0,
        total: 0,
    });
}

fn update_inner(m: &mut Model, msg: Message) -> Vec<Effect> {
    let mut effects = Vec::new();
    if matrix_nav::overlay_message(m, &msg) {
        return effects;
    }
    if let Overlay::Search(q) = &mut m.ui.overlay {
        match msg {
            Message::SearchInput(c) => {
                q.push(c);
                let q = q.clone();
                search(m, &q, 0);
                return effects;
            }
            Message::SearchBackspace => {
                q.pop();
                let q = q.clone();
                search(m, &q, 0);
                return effects;
            }
            Message::SearchSubmit => {
                let q = std::mem::take(q);
                m.ui.overlay = Overlay::None;
                if !q.is_empty() && !search(m, &q, 0) {
                    m.status = Some(err(format!("no match for “{q}”")));
                }
                m.ui.last_search = q;
                return effects;
            }
            Message::Escape => {
                m.ui.overlay = Overlay::None;
                return effects;
            }
            _ => {}
        }
    }
    if let Overlay::AddRule(form) = &mut m.ui.overlay {
        match msg {
            Message::FormSubmit => {
                if let Some(edit) = super::rule_form::submit(m) {
                    apply(m, edit);
                }
                return effects;
            }
            Message::Escape => m.ui.overlay = Overlay::None,
            Message::Quit => m.quit = true,
            msg => super::rule_form::input(form, &msg),
        }
        return effects;
    }
    match msg {
        Message::Quit => m.quit = true,
        Message::Help => {
            m.ui.overlay = if m.ui.overlay == Overlay::Help {
                Overlay::None
            } else {
                Overlay::Help
            }
        }
        Message::Escape => {
            if m.ui.overlay != Overlay::None {
                m.ui.overlay = Overlay::None;
            } else if let Some(job) = m.job.take() {
                // Back to what is shown; the runtime stops the worker.
                m.ui.matrix_by = MatrixBy::Subnet;
                m.status = Some(info(format!("cancelled {}", job.what)));
            } else if m.ui.main == MainView::Matrix {
                m.ui.main = MainView::Detail;
            } else {
                m.status = None;
            }
        }
        Message::SearchStart => m.ui.overlay = Overlay::Search(String::new()),
        Message::SearchInput(_) | Message::SearchBackspace | Message::SearchSubmit => {}
        Message::SearchAgain(dir) => {
            let q = m.ui.last_search.clone();
            if q.is_empty() {
                m.status = Some(info("type / to search"));
            } else if !search(m, &q, dir) {
                m.status = Some(err(format!("no match for “{q}”")));
            }
        }
        Message::Resize(w, h) => m.size = (w, h),
        Message::Move(d) => move_by(m, d as isize),
        Message::Page(d) => {
            let a = areas(m.size, m.ui.main);
            let page = match m.ui.focus {
                Pane::Tree => inner_height(a.tree),
                Pane::Checks => inner_height(a.checks),
                Pane::Detail => inner_height(a.detail),
            }
            .max(1);
            move_by(m, d as isize * page as isize);
        }
        Message::Home => move_by(m, isize::MIN / 2),
        Message::End => move_by(m, isize::MAX / 2),
        Message::Left => left_right(m, false),
        Message::Right => left_right(m, true),
        Message::Activate => activate(m),
        Message::FocusNext => cycle_focus(m, 1),
        Message::FocusPrev => cycle_focus(m, -1),
        Message::Toggle => edit_selected(m, true),
        Message::Remove => edit_selected(m, false),
        Message::ApplyFix => match super::fix::selected(m) {
            Ok(edit) => {
                let row = check_rows(m).get(m.ui.checks.selected).cloned();
                apply(m, edit);
                // The flow stays selected (the edits' rows come above it).
                if let Some(pos) = row.and_then(|row| check_rows(m).iter().position(|x| *x == row))
                {
                    m.ui.checks.selected = pos;
                }
            }
            Err(why) => m.status = Some(err(why)),
        },
        Message::AddRule => {
            if let Err(why) = super::rule_form::open(m) {
                m.status = Some(err(why));
            }
        }
        Message::FormInput(_)
        | Message::FormBackspace
        | Message::FormField(_)
        | Message::FormSubmit => {}
        Message::Undo => undo(m),
        Message::Reset => reset(m),
        Message::Write => match m.ready() {
            Some(r) => {
                // Only the edited text changes; the rest of the file is kept as written.
                let out = vnetlab_core::format::rewrite(&r.source, r.session.file());
                m.reprinted = out.reprinted;
                effects.push(Effect::Write {
                    beside: m.file.clone(),
                    contents: out.text,
                })
            }
            None => m.status = Some(err("nothing to write: the file has errors")),
        },
        Message::Written(Ok(p)) => {
            let mut text = format!(
                "wrote the edited design ({} edits) to {}",
                m.edits().len(),
                p.display()
            );
            if let Some(why) = m.reprinted.take() {
                text.push_str(&format!(
                    "; printed anew, comments and layout not kept ({why})"
                ));
            }
            m.status = Some(info(text))
        }
        Message::Written(Err(e)) => m.status = Some(err(format!("could not write: {e}"))),
        Message::ToggleMatrix => {
            m.ui.main = match m.ui.main {
                MainView::Detail => MainView::Matrix,
                MainView::Matrix => MainView::Detail,
            };
            if m.ui.main == MainView::Matrix && m.ui.focus == Pane::Checks {
                m.ui.focus = Pane::Tree;
            }
        }
        Message::MatrixPort(d) => {
            let n = MATRIX_PORTS.len() as i32;
            m.ui.matrix_port = (m.ui.matrix_port as i32 + d).rem_euclid(n) as usize;
        }
        Message::MatrixBy => {
            m.ui.matrix_by = match m.ui.matrix_by {
                MatrixBy::Subnet => MatrixBy::Workload,
                MatrixBy::Workload => MatrixBy::Subnet,
            };
            if m.ui.matrix_by == MatrixBy::Subnet
                && let Doc::Ready(r) = &mut m.doc
            {
                r.base.by_subnet();
                if let Ok(c) = &mut r.current {
                    c.by_subnet();
                }
            }
        }
        Message::Progress { id, done, total } => {
            if let Some(job) = m.job.as_mut().filter(|j| j.id == id) {
                job.done = done;
                job.total = total;
            }
        }
        Message::MatrixDone(done) => {
            if m.job.as_ref().is_some_and(|j| j.id == done.id)
                && let Doc::Ready(r) = &mut m.doc
            {
                let job = m.job.take().expect("checked");
                if let Ok(c) = &mut r.current {
                    c.set_matrix(done.current.unwrap_or_else(|| done.base.clone()));
                }
                r.base.set_matrix(done.base);
                m.status = Some(info(format!("{} is ready", job.what)));
            }
        }
        Message::Click(x, y) => click(m, x, y),
        Message::Wheel(x, y, d) => {
            let a = areas(m.size, m.ui.main);
            let before = m.ui.focus;
            if inside(a.tree, x, y) {
                m.ui.focus = Pane::Tree;
            } else if inside(a.checks, x, y) {
                m.ui.focus = Pane::Checks;
            } else if inside(a.detail, x, y) {
                m.ui.focus = Pane::Detail;
            }
            move_by(m, d as isize * 3);
            m.ui.focus = before;
        }
        Message::FileLoaded(bytes) => load(m, &bytes),
        Message::FileUnreadable(e) => m.status = Some(err(format!("cannot read {}: {e}", m.file))),
    }
    effects
}

fn info(s: impl Into<String>) -> Status {
    Status {
        text: s.into(),
        error: false,
    }
}

fn err(s: impl Into<String>) -> Status {
    Status {
        text: s.into(),
        error: true,
    }
}

/// Reads the design, keeping the edits (re-applied when they still fit) and the selection.
fn load(m: &mut Model, bytes: &[u8]) {
    let first = matches!(m.doc, Doc::Loading);
    let pending: Vec<Edit> = m.edits().to_vec();
    let loaded = vnetlab_core::load(&m.file, bytes, &m.opts);
    match loaded.design {
        None => {
            let n = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            m.status = Some(err(format!(
                "{}: {n} error(s); fix the file and it reloads",
                m.file
            )));
            m.doc = Doc::Invalid {
                diagnostics: loaded.diagnostics,
                source: String::from_utf8_lossy(bytes).into_owned(),
                pending,
            };
        }
        Some(design) => {
            let mut session = Session::new(&m.file, design, MATRIX_PORTS, m.opts.clone());
            let base = Analysis::live(&session, loaded.diagnostics)
                .expect("a session starts from a valid design");
            let mut dropped = 0;
            for e in pending.iter().cloned() {
                if session.apply(e).is_err() {
                    dropped += 1;
                }
            }
            let current = analyse(&session, &base);
            m.doc = Doc::Ready(Box::new(Ready {
                session,
                base,
                current,
                source: String::from_utf8_lossy(bytes).into_owned(),
            }));
            if !first {
                let kept = pending.len() - dropped;
                m.status = Some(info(if pending.is_empty() {
                    format!("reloaded {}", m.file)
                } else {
                    format!(
                        "reloaded {}; {kept} edit(s) re-applied, {dropped} no longer fit",
                        m.file
                    )
                }));
            }
            m.version += 1;
            restore_tree_selection(m);
        }
    }
}

/// What the app shows of the session's design: the live session's analyses (kept up to date
/// edit by edit, nothing analysed again here), or the errors of an invalid edited design.
fn analyse(
    session: &Session,
    base: &Analysis,
) -> Result<Analysis, Vec<vnetlab_core::diag::Diagnostic>> {
    if session.edits().is_empty() {
        return Ok(base.clone());
    }
    let diagnostics = session.diagnostics();
    Analysis::live(session, diagnostics).ok_or_else(|| {
        session
            .diagnostics()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    })
}

/// The outline items shown and the selected one's index in the outline.
fn tree_state(m: &Model) -> (Vec<usize>, Option<usize>) {
    let Some(r) = m.ready() else {
        return (Vec::new(), None);
    };
    let vis = visible_tree(&r.shown().outline, &m.ui.collapsed);
    let sel = vis.get(m.ui.tree.selected).copied();
    (vis, sel)
}

fn restore_tree_selection(m: &mut Model) {
    let Some(r) = m.ready() else { return };
    let items = &r.shown().outline;
    let vis = visible_tree(items, &m.ui.collapsed);
    let found =
        m.ui.tree_key
            .as_ref()
            .and_then(|key| vis.iter().position(|&i| &items[i].key == key));
    let selected = found.unwrap_or(m.ui.tree.selected.min(vis.len().saturating_sub(1)));
    let key = vis.get(selected).map(|&i| items[i].key.clone());
    m.ui.tree.selected = selected;
    m.ui.tree_key = key;
}

fn select_tree(m: &mut Model, pos: usize) {
    let (vis, _) = tree_state(m);
    if vis.is_empty() {
        return;
    }
    let pos = pos.min(vis.len() - 1);
    if pos != m.ui.tree.selected {
        m.ui.detail_scroll = (0, 0);
    }
    m.ui.tree.selected = pos;
    m.ui.detail_from = Pane::Tree;
    let key = m.ready().map(|r| r.shown().outline[vis[pos]].key.clone());
    m.ui.tree_key = key;
}

/// Selects the selectable row nearest `pos` in direction `dir` (down when `dir` ≥ 0), else the
/// nearest the other way; with no selectable row at all, the first row. Each
/// row is looked at once, so this ends whatever the rows are.
fn select_check(m: &mut Model, pos: usize, dir: isize) {
    let rows = check_rows(m);
    if rows.is_empty() {
        return;
    }
    let pos = pos.min(rows.len() - 1);
    let ok = |i: &usize| rows[*i].selectable();
    let (mut down, mut up) = ((pos..rows.len()).find(ok), (0..=pos).rev().find(ok));
    if dir < 0 {
        std::mem::swap(&mut down, &mut up);
    }
    let p = down.or(up).unwrap_or(0);
    if p != m.ui.checks.selected {
        m.ui.detail_scroll = (0, 0);
    }
    m.ui.checks.selected = p;
    m.ui.detail_from = Pane::Checks;
}

fn shift(pos: usize, d: isize) -> usize {
    (pos as isize).saturating_add(d).max(0) as usize
}

fn move_by(m: &mut Model, d: isize) {
    match m.ui.focus {
        Pane::Tree => select_tree(m, shift(m.ui.tree.selected, d)),
        Pane::Checks => select_check(m, shift(m.ui.checks.selected, d), d),
        Pane::Detail if matrix_nav::focused(m) => matrix_nav::move_cursor(m, d, 0),
        Pane::Detail => {
            let y = shift(m.ui.detail_scroll.0 as usize, d).min(u16::MAX as usize / 2);
            m.ui.detail_scroll.0 = y as u16;
        }
    }
}

fn left_right(m: &mut Model, right: bool) {
    match m.ui.focus {
        Pane::Tree => {
            let (_, Some(i)) = tree_state(m) else { return };
            let Some(r) = m.ready() else { return };
            let items = &r.shown().outline;
            let key = items[i].key.clone();
            let expandable = has_children(items, i);
            let collapsed = m.ui.collapsed.contains(&key);
            let up = parent(items, i).map(|p| items[p].key.clone());
            if right {
                m.ui.collapsed.remove(&key);
            } else if expandable && !collapsed {
                m.ui.collapsed.insert(key);
            } else if let Some(pk) = up {
                m.ui.tree_key = Some(pk);
                restore_tree_selection(m);
            }
        }
        Pane::Detail if matrix_nav::focused(m) => {
            matrix_nav::move_cursor(m, 0, if right { 1 } else { -1 })
        }
        Pane::Detail => {
            let x = m.ui.detail_scroll.1;
            m.ui.detail_scroll.1 = if right {
                x.saturating_add(8)
            } else {
                x.saturating_sub(8)
            };
        }
        Pane::Checks => cycle_focus(m, if right { 1 } else { -1 }),
    }
}

fn activate(m: &mut Model) {
    match m.ui.focus {
        Pane::Tree => {
            let (_, Some(i)) = tree_state(m) else { return };
            let Some(r) = m.ready() else { return };
            let key = r.shown().outline[i].key.clone();
            if has_children(&r.shown().outline, i) && !m.ui.collapsed.remove(&key) {
                m.ui.collapsed.insert(key);
            }
        }
        Pane::Checks => {
            m.ui.detail_from = Pane::Checks;
            m.ui.focus = Pane::Detail;
        }
        Pane::Detail if matrix_nav::focused(m) => matrix_nav::open(m),
        Pane::Detail => {}
    }
}

fn cycle_focus(m: &mut Model, d: i32) {
    let order: &[Pane] = match m.ui.main {
        MainView::Detail => &[Pane::Tree, Pane::Checks, Pane::Detail],
        MainView::Matrix => &[Pane::Tree, Pane::Detail],
    };
    let i = order.iter().position(|p| *p == m.ui.focus).unwrap_or(0) as i32;
    m.ui.focus = order[(i + d).rem_euclid(order.len() as i32) as usize];
    match m.ui.focus {
        Pane::Tree => m.ui.detail_from = Pane::Tree,
        Pane::Checks => select_check(m, m.ui.checks.selected, 1),
        Pane::Detail => {}
    }
}

fn edit_selected(m: &mut Model, toggle: bool) {
    if m.ui.focus == Pane::Checks
        || (m.ui.focus == Pane::Detail && m.ui.detail_from == Pane::Checks)
    {
        m.status = Some(err(
            "select an element in the tree (Tab) to change it; u undoes the last edit",
        ));
        return;
    }
    let (_, Some(i)) = tree_state(m) else { return };
    let Some(r) = m.ready() else { return };
    let item = &r.shown().outline[i];
    let edit = if toggle {
        item.toggle.clone().or_else(|| item.remove.clone())
    } else {
        item.remove.clone()
    };
    let Some(edit) = edit else {
        m.status = Some(err(format!(
            "{}: nothing to {} here (try an NSG or firewall rule, FortiGate policy, route, peering flag, DNS link, endpoint or service setting)",
            item.label,
            if toggle { "toggle" } else { "remove" }
        )));
        return;
    };
    apply(m, edit);
}

fn apply(m: &mut Model, edit: Edit) {
    let Doc::Ready(r) = &mut m.doc else { return };
    let text = edit.describe();
    match r.session.apply(edit) {
        Err(e) => m.status = Some(err(format!("cannot {text}: {e}"))),
        Ok(_) => {
            r.current = analyse(&r.session, &r.base);
            m.status = Some(summary(r, &text));
        }
    }
    m.version += 1;
    restore_tree_selection(m);
}

/// "flip …: 1 newly denied, 0 newly allowed" for the status bar.
fn summary(r: &Ready, what: &str) -> Status {
    match &r.current {
        Err(d) => err(format!(
            "{what}: the edited design is invalid ({} errors; u undoes)",
            d.len()
        )),
        Ok(a) => {
            let (mut allowed, mut denied) = (0, 0);
            let changes = a
                .report
                .results
                .iter()
                .map(|e| expectation_change(&r.base.report, e))
                .chain(a.audit.flows.iter().map(|f| flow_change(&r.base.audit, f)));
            for c in changes {
                match c {
                    Some(Change::NewlyAllowed) => allowed += 1,
                    Some(Change::NewlyDenied) => denied += 1,
                    None => {}
                }
            }
            info(format!(
                "▲{allowed} newly allowed ▼{denied} newly denied · {what}"
            ))
        }
    }
}

fn undo(m: &mut Model) {
    let Doc::Ready(r) = &mut m.doc else { return };
    match r.session.undo() {
        None => m.status = Some(info("nothing to undo")),
        Some(e) => {
            r.current = analyse(&r.session, &r.base);
            m.status = Some(info(format!("undid: {}", e.describe())));
        }
    }
    m.version += 1;
    restore_tree_selection(m);
}

fn reset(m: &mut Model) {
    let Doc::Ready(r) = &mut m.doc else { return };
    let n = r.session.edits().len();
    r.session.reset();
    r.current = analyse(&r.session, &r.base);
    m.status = Some(info(format!(
        "reset: dropped {n} edit(s); back to the file on disk"
    )));
    m.version += 1;
    restore_tree_selection(m);
}

fn click(m: &mut Model, x: u16, y: u16) {
    let a = areas(m.size, m.ui.main);
    if m.ui.overlay != Overlay::None {
        m.ui.overlay = Overlay::None;
        return;
    }
    if inside(a.tree, x, y) {
        m.ui.focus = Pane::Tree;
        let pos = m.ui.tree.offset + (y - a.tree.y - 1) as usize;
        let (vis, _) = tree_state(m);
        if pos < vis.len() {
            if pos == m.ui.tree.selected {
                activate(m);
            }
            select_tree(m, pos);
        }
    } else if inside(a.checks, x, y) {
        m.ui.focus = Pane::Checks;
        let pos = m.ui.checks.offset + (y - a.checks.y - 1) as usize;
        let rows = check_rows(m);
        if rows.get(pos).is_some_and(CheckRow::selectable) {
            select_check(m, pos, 1);
        }
    } else if inside(a.detail, x, y) {
        m.ui.focus = Pane::Detail;
    }
}

/// Jumps to the `n`th next (`dir` ≥ 0, from the selection itself when 0) or previous match.
fn search(m: &mut Model, q: &str, dir: i32) -> bool {
    if q.is_empty() {
        return true;
    }
    let q = q.to_lowercase();
    if m.ui.focus == Pane::Checks {
        let rows = check_rows(m);
        let n = rows.len();
        let start = m.ui.checks.selected;
        for k in 0..n {
            let step = if dir == 0 { k } else { k + 1 };
            let p = if dir < 0 {
                (start + 2 * n - step) % n
            } else {
                (start + step) % n
            };
            if rows[p].selectable() && check_row_text(m, &rows[p]).to_lowercase().contains(&q) {
                select_check(m, p, 1);
                return true;
            }
        }
        return false;
    }
    let Some(r) = m.ready() else { return false };
    let items = &r.shown().outline;
    let n = items.len();
    let start = tree_state(m).1.unwrap_or(0);
    for k in 0..n {
        let step = if dir == 0 { k } else { k + 1 };
        let i = if dir < 0 {
            (start + 2 * n - step) % n
        } else {
            (start + step) % n
        };
        if items[i].label.to_lowercase().contains(&q) {
            // Expand its ancestors so it is visible.
            let mut p = parent(items, i);
            let key = items[i].key.clone();
            let mut ancestors = Vec::new();
            while let Some(j) = p {
                ancestors.push(items[j].key.clone());
                p = parent(items, j);
            }
            for a in ancestors {
                m.ui.collapsed.remove(&a);
            }
            m.ui.tree_key = Some(key);
            m.ui.focus = Pane::Tree;
            m.ui.detail_from = Pane::Tree;
            m.ui.detail_scroll = (0, 0);
            restore_tree_selection(m);
            return true;
        }
    }
    false
}

fn scroll_into_view(nav: &mut ListNav, len: usize, height: usize) {
    if len == 0 {
        *nav = ListNav::default();
        return;
    }
    nav.selected = nav.selected.min(len - 1);
    let h = height.max(1);
    if nav.selected < nav.offset {
        nav.offset = nav.selected;
    } else if nav.selected >= nav.offset + h {
        nav.offset = nav.selected + 1 - h;
    }
    nav.offset = nav.offset.min(len.saturating_sub(h));
}

/// Keeps both selections valid and on screen after any change.
fn keep_visible(m: &mut Model) {
    let a = areas(m.size, m.ui.main);
    let (vis, _) = tree_state(m);
    scroll_into_view(&mut m.ui.tree, vis.len(), inner_height(a.tree));
    let rows = check_rows(m);
    if rows
        .get(m.ui.checks.selected)
        .is_none_or(|r| !r.selectable())
    {
        let p = m.ui.checks.selected.min(rows.len().saturating_sub(1));
        let keep = m.ui.detail_from;
        select_check(m, p, 1);
        m.ui.detail_from = keep;
    }
    let h = inner_height(a.checks);
    scroll_into_view(&mut m.ui.checks, rows.len(), h);
    // Show the heading above the first selectable row when scrolled to the top.
    if m.ui.checks.offset == 1 && m.ui.checks.selected < h {
        m.ui.checks.offset = 0;
    }
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
