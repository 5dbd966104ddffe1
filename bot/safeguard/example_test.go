package safeguard_test

import (
	"fmt"

	"github.com/signpost-app/signpost/bot/safeguard"
)

func ExampleMatcher_Check() {
	m := safeguard.Default()
	for _, text := range []string{
		"this homework is killing me",
		"this homework is killing me, i wanna k1ll myself",
		"my step-dad hiiits me 😢",
	} {
		if hit, ok := m.Check(text); ok {
			fmt.Printf("%s: %q\n", hit.Category, hit.Phrase)
		} else {
			fmt.Println("no hit")
		}
	}
	// Output:
	// no hit
	// suicide: "kill myself"
	// abuse: "step dad hits me"
}

func ExampleNormalise() {
	fmt.Println(safeguard.Normalise("I'm gonna K1LLL myself!!! 💀"))
	// Output: i am going to kil myself
}

func ExampleParse() {
	m, err := safeguard.Parse([]byte(`
categories:
  unsafe_home:
    phrases: [(scared|afraid) to go home]
`))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Check("im SO scared to go home tonight"))
	_, err = safeguard.Parse([]byte("categories:\n  unsafe_home:\n    phrases: [\"\"]\n"))
	fmt.Println(err)
	// Output:
	// {unsafe_home scared to go home} true
	// safeguard: line 3: category "unsafe_home" phrases: empty phrase
}
