//! Work lists with any ticket filter, most urgent first: what the console's home shows
//! when an agent narrows a queue or "my tickets" by status, business line, category or
//! words. Same order and cursor as the queue views (`sla_due_at, priority_rank, id`).

use crate::Store;
use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor};
use crate::queue_view::{WORK_COLUMNS, WorkRow, work_rows_page};
use crate::ticket_list::{TicketFilter, built, filter_on};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};

impl Store {
    /// Tickets matching `filter`, most urgent first, one page at a time.
    /// Errors: [`StoreError::BadCursor`] for a cursor this store did not issue.
    pub async fn urgent_tickets(
        &self,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, StoreError> {
        let (sql, values) = Self::urgent_query(self.engine(), filter, page)?;
        let mut tx = self.read().await?;
        let rows = tx.rows(&sql, &values).await?;
        work_rows_page(&rows, page.limit)
    }

    /// The SQL of [`Store::urgent_tickets`] (built apart: sea-query's statement is not
    /// `Send`, so it must not live across an await).
    fn urgent_query(
        engine: crate::sql::Engine,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> Result<(String, Vec<crate::sql::Value>), StoreError> {
        let mut q = Query::select();
        q.expr(Expr::cust(WORK_COLUMNS)).from("tickets");
        filter_on(&mut q, engine, filter);
        if let Some(c) = &page.cursor {
            let p = decode_cursor(c, 3).ok_or(StoreError::BadCursor)?;
            let (due, rank, id) = (p[0], p[1], p[2]);
            q.cond_where(
                Cond::any()
                    .add(Expr::col("sla_due_at").gt(due))
                    .add(
                        Cond::all()
                            .add(Expr::col("sla_due_at").eq(due))
                            .add(Expr::col("priority_rank").gt(rank)),
                    )
                    .add(
                        Cond::all()
                            .add(Expr::col("sla_due_at").eq(due))
                            .add(Expr::col("priority_rank").eq(rank))
                            .add(Expr::col("id").gt(id)),
                    ),
            );
        }
        q.order_by("sla_due_at", Order::Asc)
            .order_by("priority_rank", Order::Asc)
            .order_by("id", Order::Asc)
            .limit(u64::try_from(page.limit).unwrap_or(50) + 1);
        Ok(built(engine, &q))
    }
}
