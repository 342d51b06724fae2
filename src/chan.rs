//! Channels (Go's chan.go): typed FIFO queues goroutines send to and
//! receive from, parking when they cannot go on.
//!
//! A channel is a lock around a ring buffer of `cap` values and two wait
//! queues: goroutines parked sending (each with the value it brings) and
//! goroutines parked receiving (each with a slot for the value it wants).
//! The rules are Go's:
//!
//! - A send to a channel with a parked receiver hands the value straight
//!   to it (no trip through the buffer) and readies it.
//! - Otherwise it goes into the buffer if there is room, or the sender
//!   parks until a receiver takes its value directly.
//! - A receive takes from the buffer first (refilling it from the first
//!   parked sender, which keeps FIFO order), then from a parked sender,
//!   or parks until a sender hands it a value.
//! - `close` wakes every parked receiver with "closed" and every parked
//!   sender with a panic. Receivers drain what is buffered, then get
//!   `None` at once. Sending on or closing a closed channel panics.
//!
//! A parked goroutine's wait-queue entry (Go's sudog) and its value slot
//! live on its own stack, which stays put while it is parked. The lock is
//! released by gopark's callback on g0, after the goroutine is parked, so
//! a partner can never ready a goroutine still running.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use core::ptr;
use core::sync::atomic::Ordering;

use crate::lock_futex::{Mutex, MutexGuard};
use crate::proc::{getg, gopark, goready};
use crate::runtime2::{G, WaitReason};

/// A goroutine parked on a channel (Go's sudog).
pub(crate) struct Sudog<T> {
    g: *mut G,
    /// A sender's value, or a receiver's empty slot.
    elem: *mut Option<T>,
    /// Set by the partner: true if a value was exchanged, false if the
    /// channel was closed.
    pub(crate) success: bool,
    next: *mut Sudog<T>,
    /// For a goroutine in select: the select it waits in (null otherwise)
    /// and which of its cases this is.
    pub(crate) sel: *const SelectWait,
    pub(crate) case: usize,
}

/// What a goroutine parked in select shares among its cases' sudogs:
/// the first partner to claim `done` fires its case, the others pass it
/// by (Go's g.selectDone).
#[doc(hidden)]
pub struct SelectWait {
    pub(crate) done: core::sync::atomic::AtomicU32,
    pub(crate) fired: core::sync::atomic::AtomicUsize,
}

impl<T> Sudog<T> {
    pub(crate) fn new(elem: *mut Option<T>) -> Sudog<T> {
        Sudog { g: getg(), elem, success: false, next: ptr::null_mut(), sel: ptr::null(), case: 0 }
    }
}

/// A FIFO of parked goroutines (Go's waitq).
pub(crate) struct WaitQ<T> {
    head: *mut Sudog<T>,
    tail: *mut Sudog<T>,
}

impl<T> WaitQ<T> {
    const fn new() -> WaitQ<T> {
        WaitQ { head: ptr::null_mut(), tail: ptr::null_mut() }
    }

    /// # Safety
    /// sg lives until it is dequeued, and the caller holds the channel lock.
    pub(crate) unsafe fn enqueue(&mut self, sg: *mut Sudog<T>) {
        // SAFETY: as the contract says.
        unsafe {
            (*sg).next = ptr::null_mut();
            if self.tail.is_null() {
                self.head = sg;
            } else {
                (*self.tail).next = sg;
            }
        }
        self.tail = sg;
    }

    /// Unlinks the first entry, whatever it is.
    fn pop(&mut self) -> Option<*mut Sudog<T>> {
        let sg = self.head;
        if sg.is_null() {
            return None;
        }
        // SAFETY: queued sudogs are live (their goroutines are parked, or
        // in select and not yet past removing them, under the lock).
        self.head = unsafe { (*sg).next };
        if self.head.is_null() {
            self.tail = ptr::null_mut();
        }
        Some(sg)
    }

    /// The first waiter that can still be woken, claimed. A waiter in a
    /// select whose other case already fired is unlinked and passed by.
    pub(crate) fn dequeue(&mut self) -> Option<*mut Sudog<T>> {
        loop {
            let sg = self.pop()?;
            // SAFETY: as in pop.
            unsafe {
                let sel = (*sg).sel;
                if !sel.is_null() {
                    if (*sel).done.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Relaxed).is_err() {
                        continue; // another case of that select won
                    }
                    (*sel).fired.store((*sg).case, Ordering::Release);
                }
            }
            return Some(sg);
        }
    }

    /// Unlinks sg if it is still queued (a select cleaning up its cases).
    pub(crate) fn remove(&mut self, sg: *mut Sudog<T>) {
        let mut prev: *mut Sudog<T> = ptr::null_mut();
        let mut cur = self.head;
        // SAFETY: the queue's sudogs are live; the caller holds the lock.
        unsafe {
            while !cur.is_null() {
                if cur == sg {
                    let next = (*cur).next;
                    if prev.is_null() {
                        self.head = next;
                    } else {
                        (*prev).next = next;
                    }
                    if self.tail == cur {
                        self.tail = prev;
                    }
                    return;
                }
                prev = cur;
                cur = (*cur).next;
            }
        }
    }
}

/// What the lock guards (Go's hchan, less the lock).
pub(crate) struct State<T> {
    pub(crate) buf: VecDeque<T>,
    pub(crate) closed: bool,
    pub(crate) recvq: WaitQ<T>,
    pub(crate) sendq: WaitQ<T>,
}

// SAFETY: the sudog pointers are only followed under the lock, and the
// values they lead to are T: Send.
unsafe impl<T: Send> Send for State<T> {}

pub(crate) struct HChan<T> {
    pub(crate) cap: usize,
    pub(crate) state: Mutex<State<T>>,
}

/// A channel of T values (Go's `chan T`). Clone the handle to share it;
/// the channel lives as long as any handle. Values still buffered when
/// the last handle goes are dropped then.
pub struct Chan<T> {
    pub(crate) c: Arc<HChan<T>>,
}

impl<T> Clone for Chan<T> {
    fn clone(&self) -> Self {
        Chan { c: self.c.clone() }
    }
}

impl<T> core::fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Chan(cap={})", self.c.cap)
    }
}

/// Makes a channel with room for `cap` values (Go's `make(chan T, cap)`);
/// 0 makes it unbuffered: every send waits for its receiver.
pub fn chan<T: Send>(cap: usize) -> Chan<T> {
    Chan {
        c: Arc::new(HChan {
            cap,
            state: Mutex::new(State {
                buf: VecDeque::with_capacity(cap),
                closed: false,
                recvq: WaitQ::new(),
                sendq: WaitQ::new(),
            }),
        }),
    }
}

/// gopark's callback: release the channel's lock.
fn unlock_chan<T>(_gp: *mut G, lock: *mut u8) -> bool {
    // SAFETY: the parking goroutine locked this channel and forgot its
    // guard; it stays alive (the goroutine holds a handle) while parked.
    unsafe { (*lock.cast::<Mutex<State<T>>>()).force_unlock() };
    true
}

/// What an attempt to send or receive without waiting came to.
pub(crate) enum Now<T> {
    /// Done; ready this goroutine (a partner) once the lock is released.
    Done(*mut G),
    /// Not possible without waiting; the value, for a send, comes back.
    Wait(Option<T>),
    /// The channel is closed: a send must panic, a receive gets None.
    Closed(Option<T>),
}

impl<T> State<T> {
    /// Sends v if that needs no waiting. Caller holds the lock.
    pub(crate) fn send_now(&mut self, v: T, cap: usize) -> Now<T> {
        if self.closed {
            return Now::Closed(Some(v));
        }
        if let Some(sg) = self.recvq.dequeue() {
            // A receiver is waiting: hand it the value directly.
            // SAFETY: sg is a parked receiver's sudog; its slot is empty.
            return unsafe {
                *(*sg).elem = Some(v);
                (*sg).success = true;
                Now::Done((*sg).g)
            };
        }
        if self.buf.len() < cap {
            self.buf.push_back(v);
            return Now::Done(ptr::null_mut());
        }
        Now::Wait(Some(v))
    }

    /// Receives into `out` if that needs no waiting. Caller holds the lock.
    pub(crate) fn recv_now(&mut self, out: &mut Option<T>) -> Now<T> {
        if let Some(sg) = self.sendq.dequeue() {
            // A sender is waiting, so the buffer (if any) is full: take its
            // head and put the sender's value at the tail.
            // SAFETY: sg is a parked sender's sudog; its slot holds a value.
            return unsafe {
                let theirs = (*(*sg).elem).take().expect("parked sender without a value");
                *out = Some(match self.buf.pop_front() {
                    Some(head) => {
                        self.buf.push_back(theirs);
                        head
                    }
                    None => theirs,
                });
                (*sg).success = true;
                Now::Done((*sg).g)
            };
        }
        if let Some(v) = self.buf.pop_front() {
            *out = Some(v);
            return Now::Done(ptr::null_mut());
        }
        if self.closed {
            return Now::Closed(None);
        }
        Now::Wait(None)
    }
}

/// Readies a partner found by send_now or recv_now, if any.
pub(crate) fn ready_partner(gp: *mut G) {
    if !gp.is_null() {
        goready(gp);
    }
}

impl<T: Send> Chan<T> {
    /// Sends v (Go's `c <- v`), parking until there is room or a receiver.
    /// Panics with `send on closed channel` if the channel is closed, or
    /// closes while this waits.
    pub fn send(&self, v: T) {
        let mut st = self.c.state.lock();
        let v = match st.send_now(v, self.c.cap) {
            Now::Done(gp) => {
                drop(st);
                ready_partner(gp);
                return crate::proc::preempt_point();
            }
            Now::Closed(_) => {
                drop(st);
                panic!("send on closed channel");
            }
            Now::Wait(v) => v.unwrap(),
        };
        // Park with the value until a receiver takes it.
        let mut slot = Some(v);
        let mut sg = Sudog::new(&mut slot);
        // SAFETY: sg stays on this stack until we are readied, which is
        // after a partner has dequeued it.
        unsafe { st.sendq.enqueue(&mut sg) };
        park(st, &self.c.state, WaitReason::ChanSend);
        if !sg.success {
            panic!("send on closed channel");
        }
    }

    /// Receives a value (Go's `v, ok := <-c`), parking until one comes.
    /// None once the channel is closed and drained.
    pub fn recv(&self) -> Option<T> {
        let mut st = self.c.state.lock();
        let mut out = None;
        match st.recv_now(&mut out) {
            Now::Done(gp) => {
                drop(st);
                ready_partner(gp);
                crate::proc::preempt_point();
                return out;
            }
            Now::Closed(_) => return None,
            Now::Wait(_) => {}
        }
        // Park until a sender hands us a value, or the channel closes.
        let mut slot: Option<T> = None;
        let mut sg = Sudog::new(&mut slot);
        // SAFETY: as in send.
        unsafe { st.recvq.enqueue(&mut sg) };
        park(st, &self.c.state, WaitReason::ChanReceive);
        if sg.success { slot } else { None }
    }

    /// Closes the channel (Go's `close(c)`): parked receivers get None,
    /// parked senders panic, later sends panic, receives drain the
    /// buffer and then get None. Closing twice panics with
    /// `close of closed channel`.
    pub fn close(&self) {
        let mut st = self.c.state.lock();
        if st.closed {
            drop(st);
            panic!("close of closed channel");
        }
        st.closed = true;
        // Unlink everyone first; ready them once the lock is gone.
        let mut woken = WaitQ::<T>::new();
        while let Some(sg) = st.recvq.dequeue().or_else(|| st.sendq.dequeue()) {
            // SAFETY: sg is parked; success stays false: "closed".
            unsafe { woken.enqueue(sg) };
        }
        drop(st);
        while let Some(sg) = woken.pop() {
            // SAFETY: read g before readying: the sudog dies with its frame.
            let gp = unsafe { (*sg).g };
            goready(gp);
        }
    }

    /// Values buffered now (Go's `len(c)`).
    pub fn len(&self) -> usize {
        self.c.state.lock().buf.len()
    }

    /// Whether nothing is buffered now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The buffer's size (Go's `cap(c)`).
    pub fn cap(&self) -> usize {
        self.c.cap
    }
}

/// Parks the running goroutine on the channel whose lock `st` holds; the
/// lock is released on g0 once it is parked.
fn park<T>(st: MutexGuard<'_, State<T>>, lock: &Mutex<State<T>>, reason: WaitReason) {
    core::mem::forget(st);
    gopark(Some(unlock_chan::<T>), lock as *const Mutex<State<T>> as *mut u8, reason);
}
