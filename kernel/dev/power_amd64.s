#include "textflag.h"

// func haltForever()
TEXT ·haltForever(SB), NOSPLIT, $0-0
	CLI
loop:
	HLT                          // only an NMI or SMI can resume us here
	JMP loop
