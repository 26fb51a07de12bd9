"""System prompts of the agents, one text file each."""
