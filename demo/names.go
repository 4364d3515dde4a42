package demo

import (
	"math/rand/v2"
	"strings"
)

// Invented first and last names to draw students, guardians and staff from.
// Combinations are drawn at random; any likeness to real people is chance.
// The first names of the scenario students (Lotte, Daan, Milan, Yara) are
// left out so each scenario student is the only one of that name.
var (
	girlNames = []string{
		"Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Eva", "Liv", "Noor", "Saar",
		"Lieke", "Fleur", "Anna", "Roos", "Isa", "Fenna", "Maud", "Femke", "Sanne", "Iris", "Esmee", "Naomi",
		"Amira", "Fatima", "Yasmin", "Aylin", "Ilse", "Jasmijn", "Lara", "Milou", "Nina", "Floor", "Vera",
		"Zara", "Lina", "Demi", "Romy", "Kiki", "Elif", "Hanna", "Jip", "Merel", "Puck", "Sofie",
	}
	boyNames = []string{
		"Noah", "Sem", "Liam", "Lucas", "Finn", "Levi", "Luuk", "Bram", "Thijs", "Jesse", "Lars", "Ruben",
		"Stijn", "Tim", "Sven", "Thomas", "Jayden", "Mohammed", "Ayoub", "Yusuf", "Ravi", "Daniël", "Gijs",
		"Jens", "Mees", "Siem", "Teun", "Hugo", "Olivier", "Owen", "Mats", "Jurre", "Niels", "Dylan", "Rick",
		"Bas", "Wouter", "Emir", "Kyan", "Joep", "Morris", "Tygo", "Ilias", "Koen",
	}
	lastNames = []string{
		"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
		"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
		"Brouwer", "de Wit", "Dijkstra", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs",
		"de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn",
		"van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas",
		"Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "de Lange", "Kuipers",
		"Yılmaz", "El Amrani", "Öztürk", "Bouzid", "Kaya", "Ramdin", "Tahiri", "Wolters", "van Wijk",
		"Gerritsen", "Timmermans", "Post", "Lammers", "Wijnands", "Roelofs", "van Ommen", "Sluiter",
	}
	// Adult first names, for guardians.
	motherNames = []string{
		"Anita", "Sandra", "Monique", "Linda", "Esther", "Wendy", "Petra", "Marloes", "Ingrid", "Nicole",
		"Samira", "Fatma", "Karin", "Miriam", "Judith", "Angela", "Daphne", "Chantal", "Mariska", "Ellen",
	}
	fatherNames = []string{
		"Mark", "Dennis", "Erik", "Jeroen", "Marco", "Patrick", "Rob", "Sander", "Martijn", "Hans",
		"Ahmed", "Mustafa", "Paul", "Richard", "Vincent", "Bart", "Frank", "Ronald", "Hakan", "Arjen",
	}
)

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// emailSlug turns a name into the local part of an invented e-mail address.
var emailSlug = strings.NewReplacer(" ", "", "ı", "i", "ö", "o", "Ö", "o", "ü", "u", "ë", "e", "ï", "i", "é", "e")

func guardianEmail(first, last string) string {
	return strings.ToLower(emailSlug.Replace(first) + "." + emailSlug.Replace(last) + "@example.com")
}
