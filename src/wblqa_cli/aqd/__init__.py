"""The Annual Quality Declaration: question bank, answers, walk, deadlines and commands."""
