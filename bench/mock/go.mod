module gatehouse.dev/bench/mock

go 1.22
