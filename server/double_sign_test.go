package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/portdocs/portdocs/loa"
)

// Signers racing on one link: one signs, the others are told the link is used, and
// only the winner's sealed LOA reaches the archive (issue 17.8; it kept one per racer,
// each under retention).
func TestConcurrentSignArchivesOneLOA(t *testing.T) {
	sealer, err := loa.DevSealer(t.TempDir()) // a real seal: every racer's bytes differ
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, func(c *Config) { c.Sealer = sealer })
	id := e.createPort(validRequest)
	token := e.sendLOA(id)
	const racers = 8
	codes := make([]int, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i] = e.sign(token, "Jane Q Doe").Code
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusGone, http.StatusConflict:
		default:
			t.Errorf("a racer got %d", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d racers signed (codes %v); want exactly one", ok, codes)
	}
	objs, err := e.store.List(context.Background(), "ports/"+id+"/docs/")
	if err != nil {
		t.Fatal(err)
	}
	sealed := 0
	for _, o := range objs {
		if strings.Contains(o.Key, "/signed-loa-") {
			sealed++
		}
	}
	if sealed != 1 {
		t.Errorf("%d sealed LOAs archived for one port; want 1", sealed)
	}
	if st := getPort(t, e, id).Status; st != StatusSigned {
		t.Errorf("status %s, want signed", st)
	}
}
