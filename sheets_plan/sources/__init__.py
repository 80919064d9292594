"""Where post statistics come from: a source takes posts (their links) and gives their figures.

``base`` is the one small interface; ``vk`` asks VK's API (through the `vk_api` client), ``exports``
reads the files people download from Meta Business Suite, TGStat, Popsters, LiveDune and the like
(layouts in the template). A Telegram or Instagram API source fits the same interface.
"""

from .base import Source

__all__ = ["Source"]
