//! select (Go's select.go): wait on several channel operations at once.
//!
//! `selectgo` locks every channel involved, in address order (so two
//! selects over the same channels cannot deadlock), and polls the cases
//! in a random order, so that of several ready cases each is picked
//! equally often. The first ready one is done at once. With none ready,
//! a select with a default takes it; one without parks the goroutine on
//! every channel at once, one wait-queue entry per case, all pointing at
//! one shared `SelectWait`. The first partner to claim it fires that case
//! (the others pass the entries by); once woken, the goroutine unlinks
//! its other entries and reports which case fired.
//!
//! Cases are type-erased behind `Case`, so one select can mix channels of
//! different element types; `gort::select!` builds them on the stack.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use crate::chan::{Chan, Now, SelectWait, State, Sudog, ready_partner};
use crate::proc::{cheaprand, gopark};
use crate::runtime2::{G, WaitReason};

/// Cases one select can have.
pub const MAX_CASES: usize = 64;

/// One case of a select, whatever its channel's element type.
///
/// # Safety
/// `lock`/`unlock` pair on the case's channel; the other methods run
/// between them, and `enqueue`'s entry stays put until `dequeue_self`.
pub unsafe trait Case {
    /// The channel's identity, for the lock order.
    fn chan_id(&self) -> usize;
    fn lock(&self);
    /// # Safety
    /// The channel is locked by this select, its guard forgotten.
    unsafe fn unlock(&self);
    /// Completes the case if it needs no waiting; the partner to ready.
    fn try_now(&mut self) -> Option<*mut G>;
    /// Parks this case's entry on the channel's queue.
    fn enqueue(&mut self, sel: *const SelectWait, case: usize);
    /// Takes this case's entry off the channel's queue, if still there.
    fn dequeue_self(&mut self);
    /// After a wake-up by this case: whether a value was exchanged (false:
    /// the channel closed).
    fn fired(&mut self) -> bool;
}

/// What every case has: its channel, the value (to send, or received)
/// and, once parked, its wait-queue entry.
pub struct Entry<'a, T> {
    c: &'a Chan<T>,
    value: Option<T>,
    sg: Option<Sudog<T>>,
}

/// Which of a channel's wait queues an entry goes on.
#[derive(Clone, Copy)]
enum Queue {
    Recv,
    Send,
}

impl<'a, T> Entry<'a, T> {
    fn new(c: &'a Chan<T>, value: Option<T>) -> Self {
        Entry { c, value, sg: None }
    }

    fn chan_id(&self) -> usize {
        alloc::sync::Arc::as_ptr(&self.c.c) as usize
    }

    fn lock(&self) {
        core::mem::forget(self.c.c.state.lock());
    }

    /// # Safety
    /// Locked by this select.
    unsafe fn unlock(&self) {
        // SAFETY: as the contract says.
        unsafe { self.c.c.state.force_unlock() };
    }

    fn enqueue(&mut self, q: Queue, sel: *const SelectWait, case: usize) {
        let mut sg = Sudog::new(&mut self.value);
        sg.sel = sel;
        sg.case = case;
        let sg = self.sg.insert(sg);
        let st = state(self.c);
        // SAFETY: the entry lives in this case, on the selecting
        // goroutine's stack, until dequeue_self.
        unsafe {
            match q {
                Queue::Recv => st.recvq.enqueue(sg),
                Queue::Send => st.sendq.enqueue(sg),
            }
        }
    }

    fn dequeue_self(&mut self, q: Queue) {
        if let Some(sg) = self.sg.as_mut() {
            let st = state(self.c);
            match q {
                Queue::Recv => st.recvq.remove(sg),
                Queue::Send => st.sendq.remove(sg),
            }
        }
    }

    /// Whether the partner that woke us exchanged a value (else: closed).
    fn success(&self) -> bool {
        self.sg.as_ref().is_some_and(|sg| sg.success)
    }
}

/// A receive case: `recv(c) -> v`.
pub struct RecvCase<'a, T> {
    e: Entry<'a, T>,
}

/// A send case: `send(c, v)`.
pub struct SendCase<'a, T> {
    e: Entry<'a, T>,
    /// The channel was closed: the select panics once unlocked.
    closed: bool,
}

impl<'a, T> RecvCase<'a, T> {
    pub fn new(c: &'a Chan<T>) -> Self {
        RecvCase { e: Entry::new(c, None) }
    }

    /// The value received, None if the channel was closed.
    pub fn take(&mut self) -> Option<T> {
        self.e.value.take()
    }
}

impl<'a, T> SendCase<'a, T> {
    pub fn new(c: &'a Chan<T>, value: T) -> Self {
        SendCase { e: Entry::new(c, Some(value)), closed: false }
    }

    /// Panics as Go does if the select sent on a closed channel.
    pub fn check(&self) {
        if self.closed {
            panic!("send on closed channel");
        }
    }
}

fn state<T>(c: &Chan<T>) -> &mut State<T> {
    // SAFETY: only called between Case::lock and Case::unlock, while this
    // select holds the channel's lock.
    unsafe { &mut *c.c.state.data_ptr() }
}

// SAFETY: each method touches the channel only as the trait's contract says.
unsafe impl<T: Send> Case for RecvCase<'_, T> {
    fn chan_id(&self) -> usize {
        self.e.chan_id()
    }
    fn lock(&self) {
        self.e.lock()
    }
    unsafe fn unlock(&self) {
        // SAFETY: the trait's contract.
        unsafe { self.e.unlock() }
    }
    fn try_now(&mut self) -> Option<*mut G> {
        match state(self.e.c).recv_now(&mut self.e.value) {
            Now::Done(gp) => Some(gp),
            Now::Closed(_) => Some(core::ptr::null_mut()),
            Now::Wait(_) => None,
        }
    }
    fn enqueue(&mut self, sel: *const SelectWait, case: usize) {
        self.e.enqueue(Queue::Recv, sel, case)
    }
    fn dequeue_self(&mut self) {
        self.e.dequeue_self(Queue::Recv)
    }
    fn fired(&mut self) -> bool {
        self.e.success()
    }
}

// SAFETY: as above.
unsafe impl<T: Send> Case for SendCase<'_, T> {
    fn chan_id(&self) -> usize {
        self.e.chan_id()
    }
    fn lock(&self) {
        self.e.lock()
    }
    unsafe fn unlock(&self) {
        // SAFETY: the trait's contract.
        unsafe { self.e.unlock() }
    }
    fn try_now(&mut self) -> Option<*mut G> {
        let v = self.e.value.take()?;
        match state(self.e.c).send_now(v, self.e.c.c.cap) {
            Now::Done(gp) => Some(gp),
            Now::Closed(v) => {
                self.e.value = v;
                self.closed = true;
                Some(core::ptr::null_mut())
            }
            Now::Wait(v) => {
                self.e.value = v;
                None
            }
        }
    }
    fn enqueue(&mut self, sel: *const SelectWait, case: usize) {
        self.e.enqueue(Queue::Send, sel, case)
    }
    fn dequeue_self(&mut self) {
        self.e.dequeue_self(Queue::Send)
    }
    fn fired(&mut self) -> bool {
        self.closed = !self.e.success();
        !self.closed
    }
}

/// A select's cases, reached through one raw pointer from the moment
/// selectgo starts (gopark's callback needs them too, to unlock).
struct Held<'a, 'b> {
    cases: *mut &'b mut dyn Case,
    order: &'a [usize],
}

impl Held<'_, '_> {
    /// Case i.
    ///
    /// # Safety
    /// i < the number of cases, and no other reference to it is live.
    unsafe fn case(&self, i: usize) -> &mut dyn Case {
        // SAFETY: as the contract says.
        unsafe { &mut **self.cases.add(i) }
    }

    /// Locks each distinct channel once, in address order.
    fn lock(&self) {
        let mut last = usize::MAX;
        for &i in self.order {
            // SAFETY: i is a case index; the reference ends here.
            let c = unsafe { self.case(i) };
            if c.chan_id() != last {
                last = c.chan_id();
                c.lock();
            }
        }
    }

    /// Unlocks what lock() locked, in reverse, each channel at its first
    /// place in the lock order. Once the lowest channel is unlocked the
    /// select may be woken and its stack (where the cases and this Held
    /// live) reused, so that unlock is the very last thing done (as
    /// Go's selunlock).
    fn unlock(&self) {
        let order = self.order;
        for k in (0..order.len()).rev() {
            // SAFETY: as above; lock() took each distinct channel once,
            // and until order[0]'s unlock every channel is still held.
            unsafe {
                if k > 0 && self.case(order[k - 1]).chan_id() == self.case(order[k]).chan_id() {
                    continue; // unlocked at its first place, below
                }
                self.case(order[k]).unlock();
            }
        }
    }
}

/// gopark's callback: release every channel of the select.
fn selunlock(_gp: *mut G, held: *mut u8) -> bool {
    // SAFETY: the parked select's Held stays on its stack while it sleeps.
    unsafe { (*held.cast::<Held>()).unlock() };
    true
}

/// Go's selectgo: runs one of `cases` and returns its index, waiting if
/// `block`; without `block`, None if no case is ready (the default).
pub fn selectgo(cases: &mut [&mut dyn Case], block: bool) -> Option<usize> {
    let n = cases.len();
    if n > MAX_CASES {
        panic!("select: more than {MAX_CASES} cases");
    }
    // A random poll order, and the lock order by channel.
    let mut poll = [0usize; MAX_CASES];
    for i in 0..n {
        let j = cheaprand() as usize % (i + 1);
        poll[i] = poll[j];
        poll[j] = i;
    }
    let mut order = [0usize; MAX_CASES];
    for (i, o) in order[..n].iter_mut().enumerate() {
        *o = i;
    }
    order[..n].sort_unstable_by_key(|&i| cases[i].chan_id());
    let poll = &poll[..n];

    let held = Held { cases: cases.as_mut_ptr(), order: &order[..n] };
    held.lock();
    for &i in poll {
        // SAFETY: every channel is locked; one case reference at a time.
        if let Some(partner) = unsafe { held.case(i) }.try_now() {
            held.unlock();
            ready_partner(partner);
            crate::proc::preempt_point();
            return Some(i);
        }
    }
    if !block {
        held.unlock();
        return None;
    }

    let sel = SelectWait { done: AtomicU32::new(0), fired: AtomicUsize::new(0) };
    for &i in held.order {
        // SAFETY: as above.
        unsafe { held.case(i) }.enqueue(&sel, i);
    }
    gopark(Some(selunlock), &held as *const Held as *mut u8, WaitReason::Select);

    held.lock();
    let fired = sel.fired.load(Ordering::Acquire);
    for &i in held.order {
        if i != fired {
            // SAFETY: as above.
            unsafe { held.case(i) }.dequeue_self();
        }
    }
    held.unlock();
    // SAFETY: the partner is done with our entry (it readied us).
    unsafe { held.case(fired) }.fired();
    Some(fired)
}

/// Waits on several channel operations and runs the arm of the one that
/// goes ahead (Go's select statement):
///
/// ```text
/// gort::select! {
///     recv(c1) -> v => { /* v: Option<T>, None if c1 is closed */ },
///     send(c2, x) => { /* x was sent */ },
///     default => { /* nothing was ready */ },
/// }
/// ```
///
/// Of several ready cases one is picked at random, uniformly. Without
/// `default`, the goroutine parks until a case can go ahead. A send to a
/// closed channel panics, as in Go. With no cases at all, `select! {}`
/// parks forever (`gort::block()`, wait reason `select (no cases)`).
#[macro_export]
macro_rules! select {
    () => {
        $crate::block()
    };
    ($($arms:tt)*) => {
        $crate::__select!(@parse [] [] $($arms)*)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select {
    // Arms are separated by commas; the last may have one.
    (@parse [$($cases:tt)*] [$($default:tt)*] recv($c:expr) -> $v:pat => $body:block $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse [$($cases)* (recv ($c) ($v) $body)] [$($default)*] $($($rest)*)?)
    };
    (@parse [$($cases:tt)*] [$($default:tt)*] send($c:expr, $x:expr) => $body:block $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse [$($cases)* (send ($c) ($x) $body)] [$($default)*] $($($rest)*)?)
    };
    (@parse [$($cases:tt)*] [] default => $body:block $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse [$($cases)*] [$body] $($($rest)*)?)
    };
    (@parse [$($cases:tt)*] [$($default:tt)*]) => {
        $crate::__select!(@bind [] [] [$($cases)*] [$($default)*])
    };
    // One case object per arm, each under a name of its own (hygiene makes
    // every recursion's `case` distinct), numbered by a count of `1`s.
    (@bind [$($n:tt)*] [$($bound:tt)*] [(recv ($c:expr) ($v:pat) $body:block) $($rest:tt)*] [$($default:tt)*]) => {{
        let mut case = $crate::select::RecvCase::new(&$c);
        $crate::__select!(@bind [$($n)* 1] [$($bound)* (recv case [$($n)*] ($v) $body)] [$($rest)*] [$($default)*])
    }};
    (@bind [$($n:tt)*] [$($bound:tt)*] [(send ($c:expr) ($x:expr) $body:block) $($rest:tt)*] [$($default:tt)*]) => {{
        let mut case = $crate::select::SendCase::new(&$c, $x);
        $crate::__select!(@bind [$($n)* 1] [$($bound)* (send case [$($n)*] () $body)] [$($rest)*] [$($default)*])
    }};
    (@bind [$($n:tt)*] [$(($kind:ident $case:ident [$($i:tt)*] ($($v:pat)?) $body:block))*] [] [$($default:block)?]) => {{
        let __fired = $crate::select::selectgo(
            &mut [$(&mut $case as &mut dyn $crate::select::Case),*],
            $crate::__select!(@block $($default)?),
        );
        match __fired {
            $(Some(__k) if __k == 0 $(+ $i)* => $crate::__select!(@arm $kind $case ($($v)?) $body),)*
            _ => $crate::__select!(@default $($default)?),
        }
    }};
    (@block) => { true };
    (@block $default:block) => { false };
    (@default) => { unreachable!("a blocking select returned no case") };
    (@default $default:block) => { $default };
    (@arm recv $case:ident ($v:pat) $body:block) => {{
        let $v = $case.take();
        $body
    }};
    (@arm send $case:ident () $body:block) => {{
        $case.check();
        $body
    }};
}
