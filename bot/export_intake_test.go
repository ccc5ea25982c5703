package bot

import "time"

// SetRunHold sets how long a run of in may keep its transaction (a test
// that counts a run's transactions must not see it split by a busy
// machine).
func SetRunHold(in *Intake, d time.Duration) { in.runHold = d }
