"""Stamp pages: what a buyer sees after scanning a stamp."""

from flask import Blueprint

bp = Blueprint("stamps", __name__)
