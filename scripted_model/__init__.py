"""A scripted fake of the Anthropic Messages API on 127.0.0.1, for tests, demos and benchmarks.

from scripted_model import ScriptedModelServer, ModelTurn
from scripted_model.scripts import obedient_reviewer

with ScriptedModelServer(obedient_reviewer) as model:
    options = build_options(..., model_env=model.env())
"""

from scripted_model.server import DUMMY_API_KEY, ScriptedModelServer, ScriptError, queue_script
from scripted_model.turns import ModelRequest, ModelTurn, Script, ToolResultView, ToolUse, Usage

__all__ = [
    "DUMMY_API_KEY",
    "ModelRequest",
    "ModelTurn",
    "Script",
    "ScriptError",
    "ScriptedModelServer",
    "ToolResultView",
    "ToolUse",
    "Usage",
    "queue_script",
]
