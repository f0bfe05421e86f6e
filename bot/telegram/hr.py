"""placeholder"""
from aiogram import Router
def make_router() -> Router:
    return Router(name=__name__)
