//! Charts drawn on the server as inline SVG: horizontal stacked bars and columns. No
//! script and no style attributes (the CSP forbids them): shapes carry SVG attributes and
//! the classes of `lead.css`, which give each series a colour and a pattern. Every chart
//! has a title, a description, a legend in words, a tooltip with the number on each shape,
//! and a table of its numbers after it.

use askama::Template;

/// The drawing's width, in SVG units (it scales to its box).
const WIDTH: i64 = 640;
/// Room on the left for the bars' labels.
const LABEL_WIDTH: i64 = 180;
/// Room on the right for the bars' totals.
const TOTAL_WIDTH: i64 = 48;
/// The legend's height at the top.
const LEGEND_HEIGHT: i64 = 28;
const BAR_HEIGHT: i64 = 18;
const BAR_GAP: i64 = 10;
/// Longest label drawn; the table has the whole name.
const LABEL_MAX: usize = 24;

/// One part of a stacked bar.
#[derive(Debug, Clone)]
pub struct Segment {
    pub x: i64,
    pub width: i64,
    /// `series-0`, `series-1`, ...: colour and pattern from `lead.css`.
    pub class: String,
    /// The tooltip: what and how many.
    pub tip: String,
}

/// One bar: its label, its parts and its total.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub y: i64,
    pub text_y: i64,
    pub segments: Vec<Segment>,
    pub total: i64,
    pub total_x: i64,
}

/// One entry of a legend.
#[derive(Debug, Clone)]
pub struct LegendItem {
    pub x: i64,
    pub text_x: i64,
    pub class: String,
    pub label: &'static str,
}

/// One row of a chart's table of numbers.
#[derive(Debug, Clone)]
pub struct NumberRow {
    pub label: String,
    pub values: Vec<i64>,
    pub total: i64,
}

/// Horizontal bars, each split into the same series.
#[derive(Template, Debug, Clone)]
#[template(path = "console/lead/stacked_bars.html")]
pub struct StackedBars {
    /// The element id (`chart-backlog`).
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub height: i64,
    pub width: i64,
    /// The series' names, in stacking order (the table's columns).
    pub series: Vec<&'static str>,
    /// What a row is, for the table's first heading.
    pub first: &'static str,
    pub legend: Vec<LegendItem>,
    pub bars: Vec<Bar>,
    pub rows: Vec<NumberRow>,
}

/// One column.
#[derive(Debug, Clone)]
pub struct Column {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub label: String,
    pub label_x: i64,
    pub value: i64,
    pub value_y: i64,
    pub tip: String,
}

/// Vertical columns of one series.
#[derive(Template, Debug, Clone)]
#[template(path = "console/lead/columns.html")]
pub struct Columns {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub width: i64,
    pub height: i64,
    pub baseline_y: i64,
    pub label_y: i64,
    /// What a column counts, as the table's one series.
    pub series: Vec<&'static str>,
    /// What a column is, for the table's first heading.
    pub first: &'static str,
    pub columns: Vec<Column>,
    /// The columns' numbers, for the table.
    pub rows: Vec<NumberRow>,
}

/// `value` of `max` as a length of `span` units (rounded; at least 1 unit when not zero).
fn scaled(value: i64, max: i64, span: i64) -> i64 {
    if max <= 0 || value <= 0 {
        return 0;
    }
    ((value * span + max / 2) / max).max(1)
}

/// `text` cut to what fits beside a bar.
fn short(text: &str) -> String {
    if text.chars().count() <= LABEL_MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(LABEL_MAX - 1).collect();
        s.push('…');
        s
    }
}

/// Stacked bars for `rows` (a label and one value per series), scaled to the largest total.
#[must_use]
pub fn stacked(
    id: &'static str,
    title: &str,
    desc: &str,
    series: &[&'static str],
    rows: Vec<(String, Vec<i64>)>,
) -> StackedBars {
    let span = WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<i64>())
        .max()
        .unwrap_or(0);
    let step = WIDTH / i64::try_from(series.len().max(1)).unwrap_or(1);
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let x = i64::try_from(i).unwrap_or(0) * step;
            LegendItem {
                x,
                text_x: x + 18,
                class: format!("series-{i}"),
                label,
            }
        })
        .collect();
    let mut bars = Vec::with_capacity(rows.len());
    let mut numbers = Vec::with_capacity(rows.len());
    for (n, (label, values)) in rows.into_iter().enumerate() {
        let y = LEGEND_HEIGHT + i64::try_from(n).unwrap_or(0) * (BAR_HEIGHT + BAR_GAP);
        let mut x = LABEL_WIDTH;
        let mut segments = Vec::new();
        for (i, (&v, name)) in values.iter().zip(series).enumerate() {
            let width = scaled(v, max, span);
            if width > 0 {
                segments.push(Segment {
                    x,
                    width,
                    class: format!("series-{i}"),
                    tip: format!("{label}, {name}: {v}"),
                });
            }
            x += width;
        }
        let total = values.iter().sum();
        bars.push(Bar {
            label: short(&label),
            y,
            text_y: y + BAR_HEIGHT - 4,
            segments,
            total,
            total_x: x + 6,
        });
        numbers.push(NumberRow {
            label,
            values,
            total,
        });
    }
    let count = i64::try_from(bars.len()).unwrap_or(0);
    StackedBars {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        width: WIDTH,
        height: LEGEND_HEIGHT + count.max(1) * (BAR_HEIGHT + BAR_GAP),
        series: series.to_vec(),
        first: "Name",
        legend,
        bars,
        rows: numbers,
    }
}

/// Columns for `values` (a label and a count each), scaled to the largest.
#[must_use]
pub fn columns(
    id: &'static str,
    title: &str,
    desc: &str,
    what: &'static str,
    values: Vec<(String, i64)>,
) -> Columns {
    const TOP: i64 = 16;
    const AREA: i64 = 150;
    let baseline_y = TOP + AREA;
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let slot = WIDTH / i64::try_from(values.len().max(1)).unwrap_or(1);
    let width = (slot * 2 / 3).max(2);
    let rows = values
        .iter()
        .map(|(label, value)| NumberRow {
            label: label.clone(),
            values: vec![*value],
            total: *value,
        })
        .collect();
    let columns = values
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let x = i64::try_from(i).unwrap_or(0) * slot + (slot - width) / 2;
            let height = scaled(value, max, AREA);
            Column {
                x,
                y: baseline_y - height,
                width,
                height,
                label_x: x + width / 2,
                value_y: baseline_y - height - 4,
                tip: format!("{label}: {value} {what}"),
                label,
                value,
            }
        })
        .collect();
    Columns {
        id,
        title: title.to_string(),
        desc: desc.to_string(),
        width: WIDTH,
        height: baseline_y + 22,
        baseline_y,
        label_y: baseline_y + 16,
        series: vec![what],
        first: "Day",
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_total_and_keep_every_number() {
        let chart = stacked(
            "chart-x",
            "Backlog",
            "by age",
            &["young", "old"],
            vec![("a".into(), vec![2, 2]), ("b".into(), vec![0, 1])],
        );
        let span = WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
        let a = &chart.bars[0];
        assert_eq!(a.segments.iter().map(|s| s.width).sum::<i64>(), span);
        assert_eq!(a.segments[1].x, LABEL_WIDTH + span / 2);
        let b = &chart.bars[1];
        assert_eq!(b.segments.len(), 1, "a zero draws nothing");
        assert_eq!(b.segments[0].class, "series-1");
        assert_eq!(b.segments[0].tip, "b, old: 1");
        assert_eq!(chart.rows[1].values, vec![0, 1]);
        let html = chart.render().unwrap();
        assert!(html.contains(r#"<svg id="chart-x" class="chart" role="img" aria-labelledby="chart-x-title chart-x-desc""#));
    }

    #[test]
    fn labels_are_cut_and_escaped() {
        let long = "<script>alert(1)</script> and a very long queue name";
        let chart = stacked("chart-y", "t", "d", &["n"], vec![(long.into(), vec![1])]);
        assert_eq!(chart.bars[0].label.chars().count(), LABEL_MAX);
        let html = chart.render().unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&#60;script&#62;"));
    }

    #[test]
    fn columns_stand_on_one_baseline() {
        let chart = columns(
            "c",
            "t",
            "d",
            "tickets",
            vec![("x".into(), 4), ("y".into(), 0)],
        );
        assert_eq!(
            chart.columns[0].y + chart.columns[0].height,
            chart.baseline_y
        );
        assert_eq!(chart.columns[1].height, 0);
    }
}
