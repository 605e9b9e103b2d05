//! Background work for the window: every I/O call runs on the tokio runtime, its result
//! arrives in a `poll_promise::Promise` the UI polls, and the window is woken when it
//! lands. A count of work in flight lets tests wait for the app to be idle (no sleeps).

use std::future::Future;
use std::sync::Arc;

use poll_promise::Promise;
use tokio::sync::watch;

#[derive(Clone)]
pub struct Tasks {
    runtime: tokio::runtime::Handle,
    ctx: egui::Context,
    busy: Arc<watch::Sender<usize>>,
}

/// Counts one piece of work in flight until dropped.
struct Busy(Arc<watch::Sender<usize>>);

impl Busy {
    fn new(busy: &Arc<watch::Sender<usize>>) -> Self {
        busy.send_modify(|n| *n += 1);
        Self(Arc::clone(busy))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Tasks {
    pub fn new(runtime: tokio::runtime::Handle, ctx: egui::Context) -> Self {
        Self {
            runtime,
            ctx,
            busy: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Runs `work` on the runtime; the promise is fulfilled before the work stops
    /// counting as in flight, then the window repaints.
    pub fn spawn<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Promise<T> {
        let (sender, promise) = Promise::new();
        let busy = Busy::new(&self.busy);
        let ctx = self.ctx.clone();
        self.runtime.spawn(async move {
            let value = work.await;
            sender.send(value);
            ctx.request_repaint();
            drop(busy);
        });
        promise
    }

    /// Like [`Self::spawn`], and the work can be stopped: after `abort()` it stops at its
    /// next await and no longer counts as in flight (drop the promise with it: it is
    /// never fulfilled).
    pub fn spawn_abortable<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> (Promise<T>, tokio::task::AbortHandle) {
        let (sender, promise) = Promise::new();
        let busy = Busy::new(&self.busy);
        let ctx = self.ctx.clone();
        let handle = self.runtime.spawn(async move {
            let value = work.await;
            sender.send(value);
            ctx.request_repaint();
            drop(busy);
        });
        (promise, handle.abort_handle())
    }

    /// Runs `work` without a result to wait for (it still counts as in flight).
    pub fn detach(&self, work: impl Future<Output = ()> + Send + 'static) {
        let busy = Busy::new(&self.busy);
        let ctx = self.ctx.clone();
        self.runtime.spawn(async move {
            work.await;
            ctx.request_repaint();
            drop(busy);
        });
    }

    /// Runs `work` in the background for as long as it likes (a refresh loop); it is not
    /// counted as in flight.
    pub fn background(
        &self,
        work: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        self.runtime.spawn(work)
    }

    pub fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }

    pub fn ctx(&self) -> &egui::Context {
        &self.ctx
    }

    pub fn in_flight(&self) -> usize {
        *self.busy.borrow()
    }

    /// Resolves when nothing is in flight.
    pub fn idle(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut watch = self.busy.subscribe();
        async move {
            let _ = watch.wait_for(|n| *n == 0).await;
        }
    }
}

/// Keeps a file up to date with the latest value given, written on the runtime (never
/// on the UI thread); quick successive changes are written once.
pub struct Writer<T> {
    latest: watch::Sender<Option<T>>,
    /// A value is waiting to be written (it counts once as in flight).
    pending: Arc<std::sync::atomic::AtomicBool>,
    problem: Arc<std::sync::Mutex<Option<String>>>,
}

impl<T: Clone + Send + Sync + 'static> Writer<T> {
    pub fn new(
        tasks: &Tasks,
        write: impl Fn(&T) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        let latest = watch::Sender::new(None::<T>);
        let mut changes = latest.subscribe();
        let problem = Arc::new(std::sync::Mutex::new(None));
        let report = Arc::clone(&problem);
        let write = Arc::new(write);
        let busy = Arc::clone(&tasks.busy);
        let ctx = tasks.ctx.clone();
        let pending = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let taken = Arc::clone(&pending);
        tasks.background(async move {
            while changes.changed().await.is_ok() {
                let Some(value) = changes.borrow_and_update().clone() else {
                    continue;
                };
                taken.store(false, std::sync::atomic::Ordering::SeqCst);
                let write = Arc::clone(&write);
                let result = crate::save::blocking(move || write(&value))
                    .await
                    .and_then(|r| r);
                *report
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = result.err();
                // The count went up when the value was set; it goes down once written.
                busy.send_modify(|n| *n = n.saturating_sub(1));
                ctx.request_repaint();
            }
        });
        Self {
            latest,
            pending,
            problem,
        }
    }

    /// Schedules `value` to be written.
    pub fn set(&self, tasks: &Tasks, value: T) {
        if !self.pending.swap(true, std::sync::atomic::Ordering::SeqCst) {
            tasks.busy.send_modify(|n| *n += 1);
        }
        self.latest.send_replace(Some(value));
    }

    /// The last write's failure, if it failed.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
