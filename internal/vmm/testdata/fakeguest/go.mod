module fakeguest

go 1.26
