package reports

import (
	"reflect"
	"testing"
)

func TestCountersRoundTripAndRejectGarbage(t *testing.T) {
	days := map[day]*counts{
		20600: {N: 3, Cert: 1, FinalSum: 24050, FinalN: 3, PreSum: 9000, PreN: 2, PostSum: 15000, PostN: 2,
			GainSum: -125000, GainN: 2, Done: map[day]int64{20610: 1, 20611: 2}, Active: map[day]int64{20612: 3}},
		20601: {N: 1},
	}
	got, err := decodeDays(encodeDays(days))
	if err != nil || !reflect.DeepEqual(got, days) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, days)
	}
	if got, err := decodeDays(nil); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v %v", got, err)
	}
	b := encodeDays(days)
	for _, bad := range [][]byte{b[:len(b)-1], {0x80}, append([]byte{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 0xff, 0xff, 0x7f)} {
		if _, err := decodeDays(bad); err == nil {
			t.Errorf("accepted malformed counters %x", bad)
		}
	}
}
