package hostfs

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

func mknodat(dfd int, name string, mode uint32, dev uint64) abi.Errno {
	maj, min := uint32((dev>>8)&0xfff|(dev>>32)&^0xfff), uint32(dev&0xff|(dev>>12)&^0xff)
	return errnoOf(unix.Mknodat(dfd, name, mode, unix.Mkdev(maj, min)))
}
