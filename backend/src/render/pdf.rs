//! One PDF's renders within its budget: counting the pages, then its pages in parallel
//! (one render process per render slot, each fed the PDF once), every page before its
//! own deadline and all of them before the PDF's. A page that overruns or crashes its
//! process fails alone; the next page gets a fresh process.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::Instant;

use super::process::{Answer, Lost, RenderProcess};
use super::wire::{Setup, Task};
use super::{Jpeg, PageError, PageSettings, page, render_exe};
use crate::ConvertSettings;
use crate::contract::reason;

/// The pages of one PDF that rendered, and those that did not (runs of pages sharing a
/// cause, so a PDF whose budget ran out is one entry, not a thousand).
#[derive(Default)]
pub struct Rendered {
    /// Page number (1-based) and its JPEG, in page order.
    pub pages: Vec<(u32, Jpeg)>,
    pub failed: Vec<PagesFailed>,
}

/// Pages `first..=last` (1-based) failed with `error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagesFailed {
    pub first: u32,
    pub last: u32,
    pub error: PageError,
}

/// Counts the PDF's pages within one page's budget, in a render process when there is an
/// executable for it. Waits for a render slot first.
pub async fn count_pages_within(
    settings: &ConvertSettings,
    slots: &Arc<Semaphore>,
    bytes: &Arc<Vec<u8>>,
) -> Result<u32, PageError> {
    let Ok(permit) = Arc::clone(slots).acquire_owned().await else {
        return Err(shutting_down());
    };
    let deadline = Instant::now() + settings.render_budget_per_page;
    let counted = if let Some(exe) = render_exe(settings) {
        let counted = count_in_process(&exe, settings, bytes, deadline).await;
        drop(permit);
        counted
    } else {
        warn_in_process();
        let bytes = Arc::clone(bytes);
        // The permit goes with the thread: a runaway count keeps its slot.
        let counting = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            page::count_pages(&bytes)
        });
        match tokio::time::timeout_at(deadline, counting).await {
            Ok(Ok(counted)) => counted.map_err(Some),
            Ok(Err(_)) => Err(Some(PageError::new(
                reason::RENDER_FAILED,
                "the renderer crashed while counting the pages",
            ))),
            Err(_) => Err(None),
        }
    };
    counted.map_err(|e| {
        e.unwrap_or_else(|| {
            PageError::new(
                reason::RENDER_TIMEOUT,
                format!(
                    "the pages were not counted within {}",
                    seconds(settings.render_budget_per_page)
                ),
            )
        })
    })
}

/// Counts in a render process; `Err(None)` when it overran the deadline.
async fn count_in_process(
    exe: &std::path::Path,
    settings: &ConvertSettings,
    bytes: &[u8],
    deadline: Instant,
) -> Result<u32, Option<PageError>> {
    let mut process = match RenderProcess::start(exe, &setup(settings), bytes, deadline).await {
        Ok(process) => process,
        Err(Lost::TimedOut) => return Err(None),
        Err(Lost::Crashed(e)) => return Err(Some(e)),
    };
    let counted = match process.ask(Task::Count, deadline).await {
        Ok(Answer::Pages(count)) => Ok(count),
        Ok(Answer::Failed(e)) | Err(Lost::Crashed(e)) => Err(Some(e)),
        Ok(Answer::Page(_)) => Err(Some(PageError::new(
            reason::RENDER_FAILED,
            "the render process answered a count with a page",
        ))),
        Err(Lost::TimedOut) => return Err(None),
    };
    process.end().await;
    counted
}

/// Renders pages `1..=pages`, each within the per-page budget and all within the
/// per-PDF budget, which starts when the first render slot is free.
pub async fn render_pages_within(
    settings: &ConvertSettings,
    slots: &Arc<Semaphore>,
    bytes: &Arc<Vec<u8>>,
    pages: u32,
) -> Rendered {
    let mut rendered = Rendered::default();
    if pages == 0 {
        return rendered;
    }
    let Ok(first_slot) = Arc::clone(slots).acquire_owned().await else {
        rendered.failed.push(PagesFailed {
            first: 1,
            last: pages,
            error: shutting_down(),
        });
        return rendered;
    };
    let exe = render_exe(settings);
    if exe.is_none() {
        warn_in_process();
    }
    let shared = Arc::new(Shared {
        settings: *settings,
        exe,
        bytes: Arc::clone(bytes),
        pages,
        next: AtomicU32::new(1),
        pdf_deadline: Instant::now() + settings.render_budget_per_pdf,
        stopped: Mutex::new(None),
    });
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let workers = (pages as usize).min(cores).max(1);
    let (sender, mut receiver) = mpsc::channel(workers * 2);
    let (finished, unneeded) = tokio::sync::watch::channel(false);
    let mut running = tokio::task::JoinSet::new();
    running.spawn(work(Arc::clone(&shared), first_slot, sender.clone()));
    for _ in 1..workers {
        let (shared, slots, sender) = (Arc::clone(&shared), Arc::clone(slots), sender.clone());
        let mut unneeded = unneeded.clone();
        running.spawn(async move {
            // A helper only if a slot is free while pages and time are left.
            let waiting = tokio::time::timeout_at(shared.pdf_deadline, slots.acquire_owned());
            tokio::select! {
                slot = waiting => {
                    if let Ok(Ok(slot)) = slot {
                        work(shared, slot, sender).await;
                    }
                }
                _ = unneeded.changed() => {}
            }
        });
    }
    drop(sender);
    let mut done = vec![false; pages as usize];
    let mut answered = 0;
    while let Some((page, result)) = receiver.recv().await {
        if let Some(seen) = done.get_mut(page as usize - 1)
            && !*seen
        {
            *seen = true;
            answered += 1;
        }
        match result {
            Ok(jpeg) => rendered.pages.push((page, jpeg)),
            Err(error) => rendered.failed.push(PagesFailed {
                first: page,
                last: page,
                error,
            }),
        }
        if answered == pages {
            break;
        }
    }
    // Helpers still waiting for a slot are not needed; the others are ending their
    // processes, which are gone once this returns.
    let _ = finished.send(true);
    while running.join_next().await.is_some() {}
    let why = shared
        .stopped
        .lock()
        .ok()
        .and_then(|stopped| stopped.clone())
        .unwrap_or_else(|| {
            PageError::new(
                reason::RENDER_TIMEOUT,
                format!(
                    "not rendered: the PDF's {} render budget ran out",
                    seconds(settings.render_budget_per_pdf)
                ),
            )
        });
    let mut page = 1;
    while page <= pages {
        if done[page as usize - 1] {
            page += 1;
            continue;
        }
        let first = page;
        while page <= pages && !done[page as usize - 1] {
            page += 1;
        }
        rendered.failed.push(PagesFailed {
            first,
            last: page - 1,
            error: why.clone(),
        });
    }
    rendered.pages.sort_by_key(|(page, _)| *page);
    rendered.failed.sort_by_key(|failed| failed.first);
    rendered
}

/// What a PDF's page workers share.
struct Shared {
    settings: ConvertSettings,
    exe: Option<PathBuf>,
    bytes: Arc<Vec<u8>>,
    pages: u32,
    /// The next page (1-based) nobody has taken.
    next: AtomicU32,
    pdf_deadline: Instant,
    /// Why workers stopped taking pages before the budget ran out, if they did.
    stopped: Mutex<Option<PageError>>,
}

impl Shared {
    fn stop(&self, why: PageError) {
        if let Ok(mut stopped) = self.stopped.lock() {
            stopped.get_or_insert(why);
        }
    }

    fn is_stopped(&self) -> bool {
        self.stopped
            .lock()
            .map_or(true, |stopped| stopped.is_some())
    }

    /// The next page to render and its deadline, or `None` when there is none left or
    /// no time left.
    fn take(&self) -> Option<(u32, Instant)> {
        let now = Instant::now();
        if now >= self.pdf_deadline || self.is_stopped() {
            return None;
        }
        let page = self.next.fetch_add(1, Ordering::Relaxed);
        (page <= self.pages).then(|| {
            (
                page,
                (now + self.settings.render_budget_per_page).min(self.pdf_deadline),
            )
        })
    }

    fn timed_out(&self, deadline: Instant) -> PageError {
        let budget = if deadline >= self.pdf_deadline {
            format!("the PDF's {}", seconds(self.settings.render_budget_per_pdf))
        } else {
            format!("a page's {}", seconds(self.settings.render_budget_per_page))
        };
        PageError::new(
            reason::RENDER_TIMEOUT,
            format!("rendering took longer than {budget} budget"),
        )
    }
}

type PageResult = (u32, Result<Jpeg, PageError>);

/// Takes pages until none are left, holding one render slot.
async fn work(shared: Arc<Shared>, slot: OwnedSemaphorePermit, results: mpsc::Sender<PageResult>) {
    match shared.exe.clone() {
        Some(exe) => {
            work_in_processes(&shared, &exe, &results).await;
            drop(slot);
        }
        None => work_in_threads(&shared, slot, &results).await,
    }
}

async fn work_in_processes(
    shared: &Shared,
    exe: &std::path::Path,
    results: &mpsc::Sender<PageResult>,
) {
    let setup = setup(&shared.settings);
    let mut process: Option<RenderProcess> = None;
    while let Some((page, deadline)) = shared.take() {
        let mut running = match process.take() {
            Some(running) => running,
            None => match RenderProcess::start(exe, &setup, &shared.bytes, deadline).await {
                Ok(started) => started,
                Err(Lost::TimedOut) => {
                    let _ = results.send((page, Err(shared.timed_out(deadline)))).await;
                    continue;
                }
                Err(Lost::Crashed(e)) => {
                    // No process can start: the other pages would fare no better.
                    shared.stop(e.clone());
                    let _ = results.send((page, Err(e))).await;
                    break;
                }
            },
        };
        let result = match running
            .ask(Task::Render { index: page - 1 }, deadline)
            .await
        {
            Ok(Answer::Page(jpeg)) => {
                process = Some(running);
                Ok(jpeg)
            }
            Ok(Answer::Failed(e)) => {
                process = Some(running);
                Err(e)
            }
            Ok(Answer::Pages(_)) => {
                running.end().await;
                Err(PageError::new(
                    reason::RENDER_FAILED,
                    "the render process answered a page with a count",
                ))
            }
            Err(Lost::TimedOut) => Err(shared.timed_out(deadline)),
            Err(Lost::Crashed(e)) => Err(e),
        };
        let _ = results.send((page, result)).await;
    }
    if let Some(process) = process {
        process.end().await;
    }
}

/// The fallback without an executable: a page that overruns is abandoned with its
/// thread and slot, and this worker stops.
async fn work_in_threads(
    shared: &Arc<Shared>,
    mut slot: OwnedSemaphorePermit,
    results: &mpsc::Sender<PageResult>,
) {
    let page_settings = PageSettings::from(&shared.settings);
    // Parsed once by this worker, not once per page (a 10,000-page PDF would cost the
    // square of its pages).
    let mut parsed: Option<Arc<hayro::hayro_syntax::Pdf>> = None;
    while let Some((page, deadline)) = shared.take() {
        let bytes = Arc::clone(&shared.bytes);
        let known = parsed.clone();
        let rendering = tokio::task::spawn_blocking(move || {
            let pdf = match known {
                Some(pdf) => Ok(pdf),
                None => page::open(&bytes).map(Arc::new),
            };
            let rendered = pdf
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|pdf| page::render_page_of(pdf, page as usize - 1, &page_settings));
            (slot, pdf.ok(), rendered)
        });
        match tokio::time::timeout_at(deadline, rendering).await {
            Ok(Ok((returned, pdf, rendered))) => {
                slot = returned;
                parsed = parsed.or(pdf);
                let _ = results.send((page, rendered)).await;
            }
            Ok(Err(_)) => {
                let crashed =
                    PageError::new(reason::RENDER_FAILED, "the renderer crashed on the page");
                let _ = results.send((page, Err(crashed))).await;
                return;
            }
            Err(_) => {
                let _ = results.send((page, Err(shared.timed_out(deadline)))).await;
                return;
            }
        }
    }
}

fn setup(settings: &ConvertSettings) -> Setup {
    let budget = settings
        .render_budget_per_pdf
        .max(settings.render_budget_per_page);
    Setup {
        settings: PageSettings::from(settings),
        memory_bytes: settings.render_memory_bytes,
        // A backstop should this process vanish without killing it.
        cpu_seconds: budget.as_secs() + 2,
    }
}

fn seconds(budget: std::time::Duration) -> String {
    format!("{} s", budget.as_secs_f32())
}

fn shutting_down() -> PageError {
    PageError::new(reason::RENDER_FAILED, "the renderer is shutting down")
}

fn warn_in_process() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "no render executable (ConvertSettings::render_exe, RECEIPT_DESK_RENDER_EXE): pages render in this process, without a memory limit"
        );
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;

    fn hotel() -> Arc<Vec<u8>> {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/2024-06-hotel-3pages.pdf");
        Arc::new(std::fs::read(path).expect("demo PDF"))
    }

    fn slots() -> Arc<Semaphore> {
        Arc::new(Semaphore::new(2))
    }

    #[tokio::test]
    async fn without_an_executable_pages_render_here() {
        let settings = ConvertSettings::default();
        let bytes = hotel();
        assert_eq!(count_pages_within(&settings, &slots(), &bytes).await, Ok(3));
        let rendered = render_pages_within(&settings, &slots(), &bytes, 3).await;
        let pages: Vec<u32> = rendered.pages.iter().map(|(page, _)| *page).collect();
        assert_eq!(pages, [1, 2, 3]);
        assert!(rendered.failed.is_empty(), "{:?}", rendered.failed);
    }

    #[tokio::test]
    async fn pages_left_when_the_budget_runs_out_are_one_entry() {
        let settings = ConvertSettings {
            render_budget_per_pdf: Duration::ZERO,
            ..ConvertSettings::default()
        };
        let rendered = render_pages_within(&settings, &slots(), &hotel(), 3).await;
        assert!(rendered.pages.is_empty());
        assert_eq!(rendered.failed.len(), 1, "{:?}", rendered.failed);
        let PagesFailed { first, last, error } = &rendered.failed[0];
        assert_eq!((*first, *last), (1, 3));
        assert_eq!(error.reason, reason::RENDER_TIMEOUT);
        assert!(error.error.contains("budget ran out"), "{}", error.error);
    }

    #[tokio::test]
    async fn an_executable_that_cannot_start_fails_every_page_with_why() {
        let settings = ConvertSettings {
            render_exe: Some(Path::new("/nonexistent/receipt-desk")),
            ..ConvertSettings::default()
        };
        let counted = count_pages_within(&settings, &slots(), &hotel()).await;
        let refused = counted.expect_err("no process");
        assert_eq!(refused.reason, reason::RENDER_FAILED);
        assert!(refused.error.contains("cannot start"), "{}", refused.error);
        let rendered = render_pages_within(&settings, &slots(), &hotel(), 3).await;
        assert!(rendered.pages.is_empty());
        let covered: Vec<(u32, u32)> = rendered.failed.iter().map(|f| (f.first, f.last)).collect();
        assert!(
            covered == [(1, 3)] || covered == [(1, 1), (2, 3)],
            "{covered:?}"
        );
        assert!(
            rendered
                .failed
                .iter()
                .all(|f| f.error.error.contains("cannot start"))
        );
    }
}
