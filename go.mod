module github.com/blink-go/blink

go 1.26
