"""The models on this computer: embedders, chat models, the catalogue, downloads, fit."""
