"""Ranked passages -> an answer: abstention, prompts, citations."""
