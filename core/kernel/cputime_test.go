package kernel

import (
	"sync"
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// setCPU gives the test's task a known past: user and system time, as
// measured and sampled (the test's own work adds a little on top).
func (e *env) setCPU(user, sys time.Duration) {
	c := &e.tk.cpu
	c.run.Store(int64(user + sys))
	c.userTicks.Store(uint64(user / cpuTick))
	c.sysTicks.Store(uint64(sys / cpuTick))
}

// near reports whether got is want plus at most the slack the test's own
// syscalls add.
func near(got, want time.Duration) bool { return got >= want && got < want+100*time.Millisecond }

func (e *env) timeval(addr uint64) time.Duration {
	b := e.mem(addr, 16)
	return time.Duration(rd64(b))*time.Second + time.Duration(rd64(b[8:]))*time.Microsecond
}

func (e *env) timespec(addr uint64) time.Duration {
	b := e.mem(addr, 16)
	return time.Duration(rd64(b))*time.Second + time.Duration(rd64(b[8:]))
}

func TestRusage(t *testing.T) {
	e := newEnv(t, Config{})
	e.setCPU(2500*time.Millisecond, 250*time.Millisecond)
	for _, who := range []uint64{abi.RUSAGE_SELF, abi.RUSAGE_THREAD} {
		e.ok(abi.SYS_GETRUSAGE, who, scratch)
		if u, s := e.timeval(scratch), e.timeval(scratch+16); !near(u, 2500*time.Millisecond) || !near(s, 250*time.Millisecond) {
			t.Errorf("getrusage(%d): utime %v stime %v, want 2.5s and 0.25s", who, u, s)
		}
	}
	e.ok(abi.SYS_GETRUSAGE, 0xffffffff /* RUSAGE_CHILDREN */, scratch)
	if u, s := e.timeval(scratch), e.timeval(scratch+16); u != 0 || s != 0 {
		t.Errorf("children: utime %v stime %v", u, s)
	}
	if got := e.errno(abi.SYS_GETRUSAGE, 7, scratch); got != abi.EINVAL {
		t.Errorf("getrusage(7) = %v", got)
	}
	e.ok(abi.SYS_TIMES, scratch)
	if b := e.mem(scratch, 32); rd64(b) != 250 || rd64(b[8:]) != 25 || rd64(b[16:]) != 0 {
		t.Errorf("tms = %d %d %d %d ticks, want 250 25 0 0", rd64(b), rd64(b[8:]), rd64(b[16:]), rd64(b[24:]))
	}
	// Threads that ended count for the process, not for the caller.
	e.k.mu.Lock()
	e.p.usage.exited = cpuTimes{user: int64(time.Second)}
	e.k.mu.Unlock()
	e.ok(abi.SYS_GETRUSAGE, abi.RUSAGE_SELF, scratch)
	if u := e.timeval(scratch); !near(u, 3500*time.Millisecond) {
		t.Errorf("with an ended thread: utime %v, want 3.5s", u)
	}
	e.ok(abi.SYS_GETRUSAGE, abi.RUSAGE_THREAD, scratch)
	if u := e.timeval(scratch); !near(u, 2500*time.Millisecond) {
		t.Errorf("thread: utime %v, want 2.5s", u)
	}
}

// The CPU-time clocks: the two fixed ids and the ids
// clock_getcpuclockid/pthread_getcpuclockid build, which glibc checks
// with clock_getres before handing them out.
func TestCPUClocks(t *testing.T) {
	e := newEnv(t, Config{})
	e.setCPU(2*time.Second, time.Second)
	pid, tid := int32(e.p.pid), int32(e.tk.tid)
	mk := func(pid int32, thread bool, which int32) uint64 {
		id := ^pid<<3 | which
		if thread {
			id |= abi.CPUCLOCK_PERTHREAD_MASK
		}
		return uint64(uint32(id))
	}
	for _, c := range []struct {
		name string
		id   uint64
		want time.Duration
	}{
		{"process", abi.CLOCK_PROCESS_CPUTIME_ID, 3 * time.Second},
		{"thread", abi.CLOCK_THREAD_CPUTIME_ID, 3 * time.Second},
		{"own process, sched", mk(0, false, abi.CPUCLOCK_SCHED), 3 * time.Second},
		{"process by pid, sched", mk(pid, false, abi.CPUCLOCK_SCHED), 3 * time.Second},
		{"process by pid, prof", mk(pid, false, abi.CPUCLOCK_PROF), 3 * time.Second},
		{"process by pid, virt", mk(pid, false, abi.CPUCLOCK_VIRT), 2 * time.Second},
		{"thread by tid", mk(tid, true, abi.CPUCLOCK_SCHED), 3 * time.Second},
		{"own thread", mk(0, true, abi.CPUCLOCK_VIRT), 2 * time.Second},
	} {
		e.ok(abi.SYS_CLOCK_GETTIME, c.id, scratch)
		if got := e.timespec(scratch); !near(got, c.want) {
			t.Errorf("%s: clock_gettime = %v, want %v", c.name, got, c.want)
		}
		e.ok(abi.SYS_CLOCK_GETRES, c.id, scratch)
		want := time.Duration(1)
		if c.id > 1<<31 && int32(c.id)&abi.CPUCLOCK_CLOCK_MASK != abi.CPUCLOCK_SCHED {
			want = 4 * time.Millisecond // sampled at the tick
		}
		if got := e.timespec(scratch); got != want {
			t.Errorf("%s: clock_getres = %v, want %v", c.name, got, want)
		}
	}
	for _, c := range []struct {
		name string
		id   uint64
	}{
		{"no such process", mk(99999999, false, abi.CPUCLOCK_SCHED)},
		{"no such thread", mk(99999999, true, abi.CPUCLOCK_SCHED)},
		{"init's thread", mk(1, true, abi.CPUCLOCK_SCHED)},
		{"clock fd", mk(3, false, abi.CLOCKFD)},
	} {
		for _, nr := range []int{abi.SYS_CLOCK_GETTIME, abi.SYS_CLOCK_GETRES} {
			if got := e.errno(nr, c.id, scratch); got != abi.EINVAL {
				t.Errorf("%s: %s = %v, want EINVAL", c.name, syscallTable[nr].Name, got)
			}
		}
	}
}

// Readers on other goroutines see a clock that never goes backwards,
// in total or in either half, while its task moves between user, system
// and sleep and the sampler moves the split.
func TestCPUClockMonotonic(t *testing.T) {
	var c cpuClock
	c.start(inUser)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			switch i % 4 {
			case 0:
				c.state.Store(uint32(inSys))
				c.sysTicks.Add(1)
			case 1:
				c.state.Store(uint32(inUser))
				c.userTicks.Add(3)
			case 2:
				c.stop()
			case 3:
				c.start(inUser)
			}
		}
	}()
	var last cpuTimes
	for range 200000 {
		now := c.read()
		if now.total() < last.total() || now.user < last.user || now.sys < last.sys {
			t.Fatalf("clock went back from %+v to %+v", last, now)
		}
		last = now
	}
	close(stop)
	wg.Wait()
	if last.user == 0 || last.sys == 0 {
		t.Fatalf("split %+v: both halves should have time", last)
	}
}

// The sampler runs only while a task is on the CPU.
func TestCPUSamplerStops(t *testing.T) {
	e := newEnv(t, Config{})
	deadline := time.Now().Add(5 * time.Second)
	for e.tk.cpu.userTicks.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no user tick sampled while the task ran")
		}
		time.Sleep(cpuTick)
	}
	e.tk.goIdle()
	defer e.tk.goBusy(inUser)
	for e.k.cpuSampling.Load() {
		if time.Now().After(deadline) {
			t.Fatal("sampler still running with no task on the CPU")
		}
		time.Sleep(cpuTick)
	}
	n := e.tk.cpu.userTicks.Load()
	time.Sleep(3 * cpuTick)
	if e.tk.cpu.userTicks.Load() != n {
		t.Fatal("ticks counted for a task off the CPU")
	}
}
