package bench

import (
	"math"
	"testing"
	"time"
)

func TestCPUTracker(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	// reads makes a read every 100 ms for n reads at the given use, in
	// whole ticks of 10 ms as the kernel counts.
	reads := func(pid int, from time.Time, cpu0 float64, n int, cores float64) []cpuPoint {
		var out []cpuPoint
		for i := range n {
			used := float64(i) * 0.1 * cores
			out = append(out, cpuPoint{pid: pid, cpu: cpu0 + math.Floor(used*100)/100, at: from.Add(time.Duration(i) * 100 * time.Millisecond)})
		}
		return out
	}
	steady := reads(1, t0, 5, 31, 1.5) // 3 s at 1.5 cores
	end := steady[len(steady)-1]
	tests := []struct {
		name       string
		points     []cpuPoint
		mean, peak float64
	}{
		{"steady", steady, 1.5, 1.5},
		{"a last read 2 ms after a tick", append(steady[:len(steady):len(steady)],
			cpuPoint{pid: 1, cpu: end.cpu + 0.01, at: end.at.Add(2 * time.Millisecond)}), 1.5, 1.5},
		{"a burst of a second", append(reads(1, t0, 0, 11, 0.5),
			reads(1, t0.Add(time.Second), 0.5, 11, 2)[1:]...), 1.25, 2},
		{"restarted: the new process counts from its own start", append(reads(1, t0, 5, 11, 1),
			reads(2, t0.Add(1100*time.Millisecond), 0, 11, 1.8)...), 1.4, 1.8},
		{"shorter than the window: the mean", reads(1, t0, 0, 5, 1.2), 1.2, 1.2},
		{"nothing read", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cpuTracker{window: peakWindow}
			for _, p := range tt.points {
				c.add(p)
			}
			mean, peak := c.usage()
			if math.Abs(mean-tt.mean) > 0.05 || math.Abs(peak-tt.peak) > 0.05 {
				t.Errorf("mean %.3f, peak %.3f cores; want %.2f, %.2f", mean, peak, tt.mean, tt.peak)
			}
		})
	}
}
