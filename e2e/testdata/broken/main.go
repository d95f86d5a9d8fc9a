// Command broken does not compile, on purpose: it tests that `unigo run`
// reports a build error clearly and starts no VM.
package main

func main() {
	undefinedFunctionForUnigoTest()
}
