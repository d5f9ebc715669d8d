"""MetaCompress: does a distilled code model behave like its teacher, or only score like it?"""

__version__ = "0.1.0"
