//! The Parquet page index (column index and offset index): read where a file has one and a
//! check can use it, checked before it is trusted, and turned into the pages of one column in
//! one row group. A page index that cannot be read or does not match the footer is not used;
//! the row groups are then decoded whole, as without one.

use std::ops::Range;
use std::sync::Arc;

use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::reader::ChunkReader;

use crate::checks::Pages;

/// `meta` with the page index of its file attached, when the file has one that can be read
/// from `reader` (the last `reader.len()` bytes of a file of `len` bytes) and that matches
/// the footer; `meta` unchanged otherwise.
pub(crate) fn attach<R: ChunkReader>(
    meta: &ArrowReaderMetadata,
    reader: &R,
    len: u64,
) -> Option<ArrowReaderMetadata> {
    let md = meta.metadata();
    let span = index_span(md)?;
    // The index must lie in what `reader` holds, and it is bounded like the footer.
    let held = len.saturating_sub(reader.len())..len;
    if !held.contains(&span.start)
        || span.end > len
        || span.end - span.start > super::file::limits::MAX_FOOTER_BYTES
    {
        return None;
    }
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut r = ParquetMetaDataReader::new_with_metadata(md.as_ref().clone())
            .with_page_index_policy(PageIndexPolicy::Optional);
        r.read_page_indexes_sized(reader, len)?;
        r.finish()
    }))
    .ok()?
    .ok()?;
    if !consistent(&read) {
        return None;
    }
    ArrowReaderMetadata::try_new(Arc::new(read), ArrowReaderOptions::new()).ok()
}

/// The bytes of the page index the footer declares, when every column chunk declares both
/// indexes.
fn index_span(md: &ParquetMetaData) -> Option<Range<u64>> {
    let mut span: Option<Range<u64>> = None;
    for rg in md.row_groups() {
        for c in rg.columns() {
            for (offset, length) in [
                (c.column_index_offset()?, c.column_index_length()?),
                (c.offset_index_offset()?, c.offset_index_length()?),
            ] {
                let start = u64::try_from(offset).ok()?;
                let end = start.checked_add(u64::try_from(length).ok()?)?;
                span = Some(match span {
                    None => start..end,
                    Some(s) => s.start.min(start)..s.end.max(end),
                });
            }
        }
    }
    span
}

/// True when the page index has one entry per column chunk, every chunk's pages start at
/// row 0 and ascend within the row group and lie inside the chunk's bytes, and the column
/// index (where present) has as many pages as the offset index.
fn consistent(md: &ParquetMetaData) -> bool {
    let (Some(offsets), Some(columns)) = (md.offset_index(), md.column_index()) else {
        return false;
    };
    if offsets.len() != md.num_row_groups() || columns.len() != md.num_row_groups() {
        return false;
    }
    md.row_groups().iter().enumerate().all(|(rg, g)| {
        let rows = g.num_rows().max(0);
        offsets[rg].len() == g.num_columns()
            && columns[rg].len() == g.num_columns()
            && g.columns().iter().enumerate().all(|(c, chunk)| {
                let pages = offsets[rg][c].page_locations();
                let (start, len) = chunk.byte_range();
                let end = start.saturating_add(len);
                let rows_ascend = pages.first().is_some_and(|p| p.first_row_index == 0)
                    && pages
                        .windows(2)
                        .all(|w| w[0].first_row_index < w[1].first_row_index)
                    && pages
                        .last()
                        .is_some_and(|p| p.first_row_index < rows.max(1));
                let inside = pages.iter().all(|p| {
                    u64::try_from(p.offset).is_ok_and(|o| o >= start)
                        && u64::try_from(p.compressed_page_size).is_ok_and(|s| {
                            (p.offset as u64).checked_add(s).is_some_and(|e| e <= end)
                        })
                });
                let counted = match &columns[rg][c] {
                    ColumnIndexMetaData::NONE => true,
                    index => index.num_pages() == pages.len() as u64,
                };
                rows_ascend && inside && counted
            })
    })
}

/// The pages of `column` in row group `rg`, when the file's page index covers the column.
pub(crate) fn pages(meta: &ArrowReaderMetadata, rg: usize, column: &str) -> Option<Pages> {
    let md = meta.metadata();
    let (columns, offsets) = (md.column_index()?, md.offset_index()?);
    let schema = meta.schema();
    let field = schema.field_with_name(column).ok()?;
    let converter =
        StatisticsConverter::try_new(column, schema, md.file_metadata().schema_descr()).ok()?;
    let leaf = converter.parquet_column_index()?;
    if matches!(columns[rg][leaf], ColumnIndexMetaData::NONE) {
        return None;
    }
    // The index was checked against the footer (`consistent`); a converter that still fails
    // on it leaves the pages undecided.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let groups = [rg];
        let rows = converter
            .data_page_row_counts(offsets, md.row_groups(), &groups)
            .ok()??;
        let rows: Vec<u64> = rows.iter().map(|r| r.unwrap_or(0)).collect();
        let mins = converter.data_page_mins(columns, offsets, &groups).ok()?;
        let maxes = converter.data_page_maxes(columns, offsets, &groups).ok()?;
        let nulls = converter
            .data_page_null_counts(columns, offsets, &groups)
            .ok()?;
        (mins.len() == rows.len() && maxes.len() == rows.len() && nulls.len() == rows.len()).then(
            || Pages {
                data_type: field.data_type().clone(),
                rows,
                mins,
                maxes,
                nulls,
            },
        )
    }))
    .ok()?
}

/// Data pages of `column` in row group `rg`, where the file has a page index.
pub(crate) fn count(meta: &ArrowReaderMetadata, rg: usize, column: &str) -> Option<u64> {
    let md = meta.metadata();
    let offsets = md.offset_index()?;
    let leaf =
        parquet::arrow::parquet_column(md.file_metadata().schema_descr(), meta.schema(), column)?.0;
    Some(offsets[rg][leaf].page_locations().len() as u64)
}

/// The rows of the pages not `decided`, as ranges within the row group, adjacent pages
/// joined.
pub(crate) fn undecided_rows(pages: &Pages, decided: &[bool]) -> Vec<Range<u64>> {
    let mut out: Vec<Range<u64>> = Vec::new();
    let mut start = 0u64;
    for (rows, &done) in pages.rows.iter().zip(decided) {
        let end = start + rows;
        if !done {
            match out.last_mut() {
                Some(last) if last.end == start => last.end = end,
                _ => out.push(start..end),
            }
        }
        start = end;
    }
    out
}
