package abi

// poll(2) events, from include/uapi/asm-generic/poll.h.
const (
	POLLIN     = 0x0001
	POLLPRI    = 0x0002
	POLLOUT    = 0x0004
	POLLERR    = 0x0008
	POLLHUP    = 0x0010
	POLLNVAL   = 0x0020
	POLLRDNORM = 0x0040
	POLLRDBAND = 0x0080
	POLLWRNORM = 0x0100
	POLLWRBAND = 0x0200
	POLLMSG    = 0x0400
	POLLRDHUP  = 0x2000
)

// epoll, from include/uapi/linux/eventpoll.h. Event bits equal POLL*.
const (
	EPOLL_CLOEXEC  = O_CLOEXEC
	EPOLL_CTL_ADD  = 1
	EPOLL_CTL_DEL  = 2
	EPOLL_CTL_MOD  = 3
	EPOLLIN        = POLLIN
	EPOLLPRI       = POLLPRI
	EPOLLOUT       = POLLOUT
	EPOLLERR       = POLLERR
	EPOLLHUP       = POLLHUP
	EPOLLRDHUP     = POLLRDHUP
	EPOLLEXCLUSIVE = 1 << 28
	EPOLLWAKEUP    = 1 << 29
	EPOLLONESHOT   = 1 << 30
	EPOLLET        = 1 << 31
	// EpollEventSize is sizeof(struct epoll_event): packed on x86-64.
	EpollEventSize = 12
	EP_MAX_EVENTS  = 0x7fffffff / EpollEventSize
)

// eventfd, timerfd and signalfd flags (include/uapi/linux/*.h).
const (
	EFD_SEMAPHORE = 1
	EFD_CLOEXEC   = O_CLOEXEC
	EFD_NONBLOCK  = O_NONBLOCK

	TFD_CLOEXEC             = O_CLOEXEC
	TFD_NONBLOCK            = O_NONBLOCK
	TFD_TIMER_ABSTIME       = 1
	TFD_TIMER_CANCEL_ON_SET = 2

	SFD_CLOEXEC  = O_CLOEXEC
	SFD_NONBLOCK = O_NONBLOCK
	// SignalfdSiginfoSize is sizeof(struct signalfd_siginfo).
	SignalfdSiginfoSize = 128
)

// select(2)'s descriptor limit.
const FD_SETSIZE = 1024

// POSIX timers, from include/uapi/asm-generic/siginfo.h and time.h.
const (
	SIGEV_SIGNAL    = 0
	SIGEV_NONE      = 1
	SIGEV_THREAD    = 2
	SIGEV_THREAD_ID = 4
	// SigeventSize is sizeof(struct sigevent).
	SigeventSize = 64
	// ItimerspecSize is sizeof(struct itimerspec).
	ItimerspecSize = 32
)
