//! Reading order of a page: runs of text are read by recursive XY cuts, columns before
//! rows, so that two columns are read one after the other and a table column by column;
//! each region left uncut is one flow of text, read line by line, so a justified line with
//! wide spaces stays one line.

/// A piece of text in one font, where it sits.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    /// Height on the page of its box's lower edge (larger is higher).
    pub y: f32,
    pub size: f32,
    pub bold: bool,
}

/// Runs on one baseline in one region: a line, or a piece of one (a table cell, a line of one
/// of two columns).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    pub runs: Vec<Run>,
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    /// Upper edge: `y` plus the tallest run.
    pub top: f32,
    /// Whether another fragment shares its baseline (a cell of a table row, a line of one
    /// of two columns).
    pub in_row: bool,
}

/// Runs whose baselines differ by less than this share of the font size are on one line.
const BASELINE_TOLERANCE: f32 = 0.4;

/// A vertical gap at least this share of the usual font size, through all the runs of a
/// region, separates columns (two-column papers leave about one em).
const MIN_GUTTER: f32 = 0.7;

/// A horizontal gap counts as a break between blocks when at least this share of the usual
/// font size (the space between the lines of a paragraph is smaller).
const MIN_BLOCK_GAP: f32 = 0.6;

/// Most runs a page's cuts may look at in all, a few times what real pages need; past it the
/// rest of the page is read row by row.
const CUT_BUDGET_PER_RUN: usize = 64;

/// The lines of a page's runs, in reading order.
pub(crate) fn fragments(mut runs: Vec<Run>) -> Vec<Fragment> {
    runs.retain(|r| r.x1.is_finite() && r.y.is_finite() && r.x0.is_finite() && r.x1 >= r.x0);
    if runs.is_empty() {
        return Vec::new();
    }
    let mut sizes: Vec<f32> = runs.iter().map(|r| r.size).collect();
    sizes.sort_by(f32::total_cmp);
    let size = sizes[sizes.len() / 2].max(1.0);

    let mut lines: Vec<Fragment> = xy_cut(runs, size)
        .into_iter()
        .flat_map(rows)
        .map(fragment)
        .collect();
    // A line that shares its baseline with another line apart from it is in a row.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| lines[b].y.total_cmp(&lines[a].y));
    for w in 0..order.len() {
        let a = order[w];
        for &b in &order[w + 1..] {
            if lines[a].y - lines[b].y >= BASELINE_TOLERANCE * size {
                break;
            }
            let apart = lines[b].x0 >= lines[a].x1 || lines[a].x0 >= lines[b].x1;
            if apart {
                lines[a].in_row = true;
                lines[b].in_row = true;
            }
        }
    }
    lines
}

/// Runs in rows, top first, each row left to right.
fn rows(mut runs: Vec<Run>) -> Vec<Vec<Run>> {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        let joins = rows.last().is_some_and(|row| {
            let y = row[0].y;
            (y - run.y).abs() < BASELINE_TOLERANCE * run.size.max(row[0].size)
        });
        match rows.last_mut() {
            Some(row) if joins => row.push(run),
            _ => rows.push(vec![run]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    rows
}

fn fragment(runs: Vec<Run>) -> Fragment {
    let x0 = runs.iter().map(|r| r.x0).fold(f32::INFINITY, f32::min);
    let x1 = runs.iter().map(|r| r.x1).fold(f32::NEG_INFINITY, f32::max);
    let y = runs.iter().map(|r| r.y).fold(f32::INFINITY, f32::min);
    let top = runs
        .iter()
        .map(|r| r.y + r.size)
        .fold(f32::NEG_INFINITY, f32::max);
    Fragment {
        runs,
        x0,
        x1,
        y,
        top,
        in_row: false,
    }
}

/// A run as a box for cutting: its left, right, bottom and top.
fn bounds(run: &Run) -> (f32, f32, f32, f32) {
    (run.x0, run.x1, run.y, run.y + run.size)
}

/// Regions of runs in reading order, by recursive cuts: a column gutter through the whole
/// region first (never through a region of one row), else the widest gap between blocks of
/// lines; a region with neither is one flow of text. An explicit stack, not recursion, and a
/// budget, so a hostile page can neither exhaust the stack nor take quadratic time.
fn xy_cut(runs: Vec<Run>, size: f32) -> Vec<Vec<Run>> {
    let mut budget = runs.len().saturating_mul(CUT_BUDGET_PER_RUN);
    let mut out = Vec::new();
    // Regions still to cut, the next to read last.
    let mut stack: Vec<Vec<Run>> = vec![runs];
    while let Some(region) = stack.pop() {
        budget = budget.saturating_sub(region.len());
        if region.len() <= 1 || budget == 0 {
            out.push(region);
            continue;
        }
        let boxes: Vec<(f32, f32, f32, f32)> = region.iter().map(bounds).collect();
        let one_row = boxes.iter().all(|b| b.3 > boxes[0].2 && b.2 < boxes[0].3);
        let columns = boxes.iter().map(|b| (b.0, b.1)).collect();
        if !one_row && let Some(x) = widest_gap(columns, MIN_GUTTER * size) {
            let (left, right): (Vec<Run>, Vec<Run>) = region.into_iter().partition(|r| r.x1 <= x);
            stack.push(right);
            stack.push(left);
            continue;
        }
        let rows = boxes.iter().map(|b| (b.2, b.3)).collect();
        if let Some(y) = widest_gap(rows, MIN_BLOCK_GAP * size) {
            let (above, below): (Vec<Run>, Vec<Run>) = region.into_iter().partition(|r| r.y >= y);
            stack.push(below);
            stack.push(above);
            continue;
        }
        out.push(region);
    }
    out
}

/// The middle of the widest gap, at least `min` wide, between intervals `(low, high)` of one
/// axis, with intervals on both sides: along x a vertical strip no box crosses (a gutter),
/// along y a horizontal one (a gap between blocks).
fn widest_gap(mut intervals: Vec<(f32, f32)>, min: f32) -> Option<f32> {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(f32, f32)> = None;
    let mut reach = intervals.first()?.1;
    for &(low, high) in &intervals[1..] {
        let gap = low - reach;
        if gap >= min && best.is_none_or(|(width, _)| gap > width) {
            best = Some((gap, reach + gap / 2.0));
        }
        reach = reach.max(high);
    }
    best.map(|(_, middle)| middle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, x0: f32, width: f32, y: f32) -> Run {
        Run {
            text: text.to_string(),
            x0,
            x1: x0 + width,
            y,
            size: 10.0,
            bold: false,
        }
    }

    fn texts(fragments: &[Fragment]) -> Vec<String> {
        fragments
            .iter()
            .map(|f| {
                f.runs
                    .iter()
                    .map(|r| r.text.as_str())
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect()
    }

    #[test]
    fn two_columns_under_a_title_are_read_one_after_the_other() {
        let mut runs = vec![run("Título a todo lo ancho", 50.0, 400.0, 800.0)];
        for (i, y) in [770.0, 758.0, 746.0].into_iter().enumerate() {
            runs.push(run(&format!("izq{i}"), 50.0, 180.0, y));
            runs.push(run(&format!("der{i}"), 270.0, 180.0, y));
        }
        let order = texts(&fragments(runs));
        assert_eq!(
            order,
            [
                "Título a todo lo ancho",
                "izq0",
                "izq1",
                "izq2",
                "der0",
                "der1",
                "der2"
            ]
        );
    }

    #[test]
    fn a_justified_line_with_wide_spaces_stays_whole() {
        let runs = vec![
            run("Lorem ipsum adip-", 50.0, 100.0, 700.0),
            run("iscing elit.", 50.0, 60.0, 688.0),
            run("Ut purus elit", 122.0, 78.0, 688.0),
            run("ac, adipiscing vitae,", 50.0, 150.0, 676.0),
        ];
        let f = fragments(runs);
        assert_eq!(
            texts(&f),
            [
                "Lorem ipsum adip-",
                "iscing elit.+Ut purus elit",
                "ac, adipiscing vitae,"
            ]
        );
        assert!(f.iter().all(|f| !f.in_row));
    }

    #[test]
    fn table_cells_are_fragments_in_a_row() {
        let runs = vec![
            run("Región", 50.0, 40.0, 700.0),
            run("Monto", 200.0, 40.0, 700.0),
            run("Cusco", 50.0, 40.0, 688.0),
            run("120", 200.0, 20.0, 688.0),
        ];
        let f = fragments(runs);
        assert_eq!(texts(&f), ["Región", "Cusco", "Monto", "120"]);
        assert!(f.iter().all(|f| f.in_row));
    }
}
