package httpapi

import (
	"io"
	"net"
	"time"
)

// Lingering bounds what a closing connection still reads and discards.
const (
	lingerBytes = 16 << 20
	lingerTime  = 2 * time.Second
)

// Listener wraps ln so that closing a connection does not throw away the
// last response. The server refuses a body that is too large from its
// Content-Length, answers 413 and closes while the client is still
// sending; closing a socket with unread input makes the kernel send a
// reset, which destroys the 413 before the client reads it. So a closing
// connection first shuts its sending side (the client sees the answer
// end), then reads and discards a bounded amount for a bounded time, as
// Go's own server does, and only then closes.
func Listener(ln net.Listener) net.Listener { return lingerListener{ln} }

type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		return &lingerConn{TCPConn: tc}, nil
	}
	return c, nil
}

type lingerConn struct {
	*net.TCPConn
}

// Close lingers in the background, so the server's worker is not held.
func (c *lingerConn) Close() error {
	if err := c.CloseWrite(); err != nil {
		return c.TCPConn.Close()
	}
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(lingerTime))
		_, _ = io.CopyN(io.Discard, c.TCPConn, lingerBytes)
		_ = c.TCPConn.Close()
	}()
	return nil
}
