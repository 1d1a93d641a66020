//go:build ignore

// gothreads exercises the Go runtime under blink: goroutines spread over
// several threads, channels, timers, a mutex-heavy workload, runtime.GC,
// panic/recover, a nil dereference recovered as a Go panic (SIGSEGV with
// si_addr and the signal frame), and os/exec of another guest program.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type node struct{ next *node }

func nilDeref() (msg string) {
	defer func() {
		r := recover()
		if err, ok := r.(runtime.Error); ok {
			msg = err.Error()
		}
	}()
	var n *node
	return fmt.Sprint(n.next)
}

func main() {
	runtime.GOMAXPROCS(4)
	// Goroutines on several threads, blocking in syscalls so the runtime
	// must start more Ms.
	var wg sync.WaitGroup
	var ops atomic.Int64
	results := make(chan int, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sum := 0
			for j := 0; j < 20000; j++ {
				sum += j % (i + 1)
				ops.Add(1)
			}
			time.Sleep(time.Millisecond)
			results <- sum
		}(i)
	}
	wg.Wait()
	close(results)
	var sums []int
	for s := range results {
		sums = append(sums, s)
	}
	sort.Ints(sums)
	fmt.Println("goroutines", len(sums), "ops", ops.Load(), "max", sums[len(sums)-1])

	// Mutex-heavy workload.
	var mu sync.Mutex
	counter := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5000; j++ {
				mu.Lock()
				counter++
				mu.Unlock()
				if j%500 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("mutex counter", counter)

	// Channels and timers.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 1000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	fmt.Println("ping-pong", v)
	start := time.Now()
	tm := time.NewTimer(30 * time.Millisecond)
	tick := time.NewTicker(5 * time.Millisecond)
	ticks := 0
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-tm.C:
			break loop
		}
	}
	tick.Stop()
	fmt.Println("timer waited", time.Since(start) >= 30*time.Millisecond, "ticked", ticks > 0)
	select {
	case <-time.After(10 * time.Millisecond):
		fmt.Println("time.After fired")
	}

	// Garbage collection with finalizers running on another goroutine.
	var garbage [][]byte
	for i := 0; i < 200; i++ {
		garbage = append(garbage, make([]byte, 64<<10))
	}
	garbage = nil
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("gc ran", ms.NumGC > 0)

	// panic/recover, and a nil dereference turned into a Go panic.
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		panic("boom")
	}()
	fmt.Println("nil deref:", nilDeref())
	var err error = &os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}
	fmt.Println("errors.Is:", errors.Is(err, os.ErrNotExist))

	// os/exec of another guest program.
	if len(os.Args) > 1 {
		out, err := exec.Command(os.Args[1]).Output()
		fmt.Printf("exec: %q err=%v\n", strings.TrimSpace(string(out)), err)
		err = exec.Command(os.Args[1], "x").Run()
		_ = err
		c := exec.Command("/nonexistent/program")
		fmt.Println("exec missing:", c.Run() != nil)
	}
}
